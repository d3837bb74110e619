import { describe, expect, it } from 'vitest';
import { capacityConfig, loadOptions, watchScope } from './options.ts';

describe('loadOptions: the operator clock', () => {
  it('runs on the real clock unless --clock-at or MANAGEDAPPS_CLOCK_AT names an instant', () => {
    expect(loadOptions({}, {}).clockAt).toBeUndefined();
    expect(loadOptions({}, { MANAGEDAPPS_CLOCK_AT: '2027-03-28T03:30:00+02:00' }).clockAt?.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    // The flag wins over the variable.
    expect(loadOptions({ clockAt: '2028-02-29T12:00:00Z' }, { MANAGEDAPPS_CLOCK_AT: '2027-01-01T00:00:00Z' }).clockAt?.toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });

  it('refuses what is not an RFC 3339 instant, naming the flag and the variable', () => {
    expect(() => loadOptions({}, { MANAGEDAPPS_CLOCK_AT: '2027-03-01' })).toThrow(/^invalid option clockAt \(flag or MANAGEDAPPS_CLOCK_AT\): /);
  });
});

describe('loadOptions: internal probe targets (SSRF)', () => {
  it('refuses them unless --allow-internal-probe-targets or MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS says true', () => {
    expect(loadOptions({}, {}).allowInternalProbeTargets).toBe(false);
    expect(loadOptions({}, { MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS: 'true' }).allowInternalProbeTargets).toBe(true);
    expect(loadOptions({ allowInternalProbeTargets: 'false' }, { MANAGEDAPPS_ALLOW_INTERNAL_PROBE_TARGETS: 'true' }).allowInternalProbeTargets).toBe(false);
  });
});

describe('loadOptions: the watched namespaces', () => {
  it('reads a comma-separated list of namespaces (spaces trimmed, duplicates once) or a label selector', () => {
    expect(loadOptions({}, {}).watchNamespace).toBeUndefined();
    expect(loadOptions({ watchNamespace: 'acme' }, {}).watchNamespace).toEqual(['acme']);
    expect(loadOptions({}, { MANAGEDAPPS_WATCH_NAMESPACE: 'acme, globex,acme' }).watchNamespace).toEqual(['acme', 'globex']);
    expect(loadOptions({ watchNamespaceSelector: 'managedapps.dev/tenant in (acme,globex),!legacy' }, {}).watchNamespaceSelector).toBe('managedapps.dev/tenant in (acme,globex),!legacy');
    expect(watchScope(loadOptions({ watchNamespace: 'a,b' }, {}))).toEqual({ namespaces: ['a', 'b'] });
    expect(watchScope(loadOptions({}, { MANAGEDAPPS_WATCH_NAMESPACE_SELECTOR: 'team=ops' }))).toEqual({ namespaceSelector: 'team=ops' });
    expect(watchScope(loadOptions({}, {}))).toBeUndefined();
  });

  it.each([
    [{ watchNamespace: 'a,,b' }, /^invalid option watchNamespace \(flag or MANAGEDAPPS_WATCH_NAMESPACE\): an empty namespace name in 'a,,b'/],
    [{ watchNamespace: 'a,' }, /an empty namespace name in 'a,'/],
    [{ watchNamespace: 'Acme' }, /'Acme' is not a namespace name/],
    [{ watchNamespace: 'a', watchNamespaceSelector: 'team=ops' }, /^invalid option watchNamespaceSelector \(flag or MANAGEDAPPS_WATCH_NAMESPACE_SELECTOR\): give either a list of namespaces/],
    [{ watchNamespaceSelector: 'team in (ops' }, /^invalid option watchNamespaceSelector .*invalid label selector: 'team in \(ops': unbalanced parentheses/],
    [{ watchNamespaceSelector: 'team=ops=x' }, /invalid label selector: label value 'ops=x'/],
    [{ watchNamespaceSelector: '-team=ops' }, /invalid label selector: label key '-team'/],
  ])('refuses %j with the flag named', (flags, message) => {
    expect(() => loadOptions(flags, {})).toThrow(message);
  });
});

describe('a webhook-only process (--controllers=false)', () => {
  it('runs the controllers by default, and serves only the webhook when told so', () => {
    expect(loadOptions({}, {}).controllers).toBe(true);
    const webhookOnly = loadOptions({ controllers: 'false', webhook: 'true' }, {});
    expect([webhookOnly.controllers, webhookOnly.webhook]).toEqual([false, true]);
    expect(loadOptions({}, { MANAGEDAPPS_CONTROLLERS: 'false', MANAGEDAPPS_WEBHOOK: 'true' }).controllers).toBe(false);
  });

  it('refuses a process with neither controllers nor webhook, naming the flag and the variable', () => {
    expect(() => loadOptions({ controllers: 'false' }, {})).toThrow(/^invalid option controllers \(flag or MANAGEDAPPS_CONTROLLERS\): .*set webhook true/);
  });
});

describe('loadOptions: the capacity section\'s Prometheus and queries (design.md §3 "The monthly pack")', () => {
  const cpu = '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle", instance=~"{{unit}}(:.*)?"}[5m])))';

  it('reads the URL and the templates; none: no capacity configuration', () => {
    expect(capacityConfig(loadOptions({}, {}))).toBeUndefined();
    const config = capacityConfig(loadOptions({ capacityQueryCpu: cpu }, { MANAGEDAPPS_CAPACITY_PROMETHEUS_URL: 'http://prometheus:9090', MANAGEDAPPS_CAPACITY_QUERY_DISK: 'max(disk_used_ratio{host="{{labels.host}}"})' }));
    expect(config).toMatchObject({ prometheusUrl: 'http://prometheus:9090', stepSeconds: 300, timeoutMs: 30_000 });
    expect(Object.keys(config?.queries ?? {})).toEqual(['cpu', 'disk']);
  });

  it.each([
    [{ capacityPrometheusUrl: 'http://p:9090', capacityQueryCpu: 'up{instance="{{unt}}"}' },
      /^invalid option capacityQueryCpu \(flag or MANAGEDAPPS_CAPACITY_QUERY_CPU\): unknown placeholder \{\{unt\}\}: expected \{\{unit\}\}, \{\{namespace\}\} or \{\{labels.<label key>\}\}$/],
    [{ capacityPrometheusUrl: 'http://p:9090', capacityQueryMemory: 'sum(node_memory_Active_bytes)' }, /capacityQueryMemory .*: the query names no unit: every unit would read the same series/],
    [{ capacityPrometheusUrl: 'http://p:9090', capacityQueryDisk: 'disk{unit="{{unit}}"' + '}}' }, /capacityQueryDisk .*: an unclosed \{\{ or a stray \}\}/],
    [{ capacityPrometheusUrl: 'http://p:9090' }, /^invalid option capacityPrometheusUrl .*: a Prometheus for the capacity section needs at least one query/],
    [{ capacityQueryCpu: cpu }, /^invalid option capacityPrometheusUrl .*: capacity queries are given but no Prometheus to run them on/],
    [{ capacityPrometheusUrl: 'prometheus:9090', capacityQueryCpu: cpu }, /^invalid option capacityPrometheusUrl \(flag or MANAGEDAPPS_CAPACITY_PROMETHEUS_URL\): /],
  ])('refuses %j at start with the reason', (flags, message) => {
    expect(() => loadOptions(flags, {})).toThrow(message);
  });
});

describe('loadOptions: --shards', () => {
  it('is off by default, and reads a count from the flag or MANAGEDAPPS_SHARDS', () => {
    expect(loadOptions({}, {}).shards).toBe(0);
    expect(loadOptions({}, { MANAGEDAPPS_SHARDS: '16' }).shards).toBe(16);
    expect(loadOptions({ shards: '8' }, { MANAGEDAPPS_SHARDS: '16' }).shards).toBe(8);
    // With a namespace selector it combines.
    expect(loadOptions({ shards: '8', watchNamespaceSelector: 'team=ops' }, {}).shards).toBe(8);
  });

  it('refuses a list of namespaces, no leader election, a count out of 0..256, naming the flag and the variable', () => {
    expect(() => loadOptions({ shards: '8', watchNamespace: 'a,b' }, {})).toThrow(/invalid option shards \(flag or MANAGEDAPPS_SHARDS\): .*not with a list of namespaces/);
    expect(() => loadOptions({ shards: '8', leaderElect: 'false' }, {})).toThrow(/invalid option shards .*Leases/);
    expect(() => loadOptions({ shards: '257' }, {})).toThrow(/invalid option shards/);
    expect(() => loadOptions({ shards: '-1' }, {})).toThrow(/invalid option shards/);
    // A webhook-only process holds no bucket (it only stamps the label): no leases needed.
    expect(loadOptions({ shards: '8', leaderElect: 'false', controllers: 'false', webhook: 'true' }, {}).shards).toBe(8);
  });
});
