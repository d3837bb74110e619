import { describe, expect, it } from 'vitest';
import { internalTargetErrors, type InternalEndpoints } from './probe-targets.ts';

// The operator of these cases: API server https://10.96.0.1:443 (a pod's kube config),
// namespace managedapps-system, metrics on 8080 and webhook on 9443.
const endpoints: InternalEndpoints = { apiServer: 'https://10.96.0.1:443', namespace: 'managedapps-system', ports: [8080, 9443] };
const http = (url: string) => ({ httpGet: { url } });
const tcp = (host: string, port: number) => ({ tcpSocket: { host, port } });

describe('internalTargetErrors (SSRF)', () => {
  it.each<[string, Parameters<typeof internalTargetErrors>[0], string]>([
    ['the API server by its address', http('https://10.96.0.1/api/v1/secrets'), "spec.monitoring.httpGet.url: 10.96.0.1:443 is the cluster's own API server"],
    ['the API server by its address, port written', tcp('10.96.0.1', 443), 'spec.monitoring.tcpSocket.host: 10.96.0.1:443 is the cluster\'s own API server'],
    ['the kubernetes Service', http('https://kubernetes.default.svc/healthz'), "kubernetes.default.svc:443 is the cluster's own API server"],
    ['the kubernetes Service, fully qualified, trailing dot', http('https://KUBERNETES.default.svc.cluster.local./readyz'), "kubernetes.default.svc.cluster.local:443 is the cluster's own API server"],
    ['a Service of the operator\'s namespace', { prometheus: { url: 'http://managed-apps-operator-metrics.managedapps-system.svc:8080' } }, "spec.monitoring.prometheus.url: managed-apps-operator-metrics.managedapps-system.svc:8080 is in the operator's namespace 'managedapps-system'"],
    ['a Service of the operator\'s namespace, short form', tcp('managed-apps-operator-webhook.managedapps-system', 443), "is in the operator's namespace"],
    ['the operator\'s metrics port on loopback', http('http://127.0.0.1:8080/metrics'), "127.0.0.1:8080 is one of the operator's own endpoints (port 8080 on the local host)"],
    ['the webhook port on localhost', http('https://localhost:9443/validate'), "localhost:9443 is one of the operator's own endpoints"],
    ['the webhook port on [::1]', http('https://[::1]:9443/validate'), "[::1]:9443 is one of the operator's own endpoints"],
    ['the metrics port on 0.0.0.0', tcp('0.0.0.0', 8080), "0.0.0.0:8080 is one of the operator's own endpoints"],
  ])('refuses %s, naming the field', (_name, monitoring, message) => {
    const errors = internalTargetErrors(monitoring, endpoints);
    expect(errors).toHaveLength(1);
    expect(`${errors[0]!.path}: ${errors[0]!.message}`).toContain(message);
    expect(errors[0]!.message).toContain('--allow-internal-probe-targets');
  });

  it.each<[string, Parameters<typeof internalTargetErrors>[0]]>([
    ['a tenant\'s VM', http('https://shop.acme.example/healthz')],
    ['another port of the API server\'s address', tcp('10.96.0.1', 22)],
    ['a loopback port the operator does not listen on', http('http://127.0.0.1:18080/health')],
    ['a Service of another namespace', http('http://web.acme.svc:8080/')],
    ['a host named like the namespace but elsewhere', http('http://managedapps-system.example.com/')],
    ['no monitoring', undefined],
  ])('allows %s', (_name, monitoring) => {
    expect(internalTargetErrors(monitoring, endpoints)).toEqual([]);
  });

  it('allows everything with --allow-internal-probe-targets (no endpoints)', () => {
    expect(internalTargetErrors(http('https://kubernetes.default.svc/'), undefined)).toEqual([]);
  });
});
