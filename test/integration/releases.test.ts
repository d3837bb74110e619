// Releases (issue 14 item 4, seed Table 1) on a real API server: the admission webhook in this
// process (url mode, this run's namespace only) and the controllers, both on a fixed instant,
// Friday 2026-11-20T12:00Z, never the day the test runs.
//
// Premium in production: 4 releases a month are included (0 tokens), the 5th is billed as a
// change (seed §5.5) and flagged. A release is on Application units: on a Database unit the
// webhook refuses it naming spec.unitRefs[0]; with the webhook bypassed (a namespace it does not
// select) the controller flags it Valid=False ReleaseInvalid, naming the same field.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, EventsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';
import { attempt } from '../support/attempt.ts';
import {
  changeRequest, completedAt, contract, createAll, GROUP, incident, PLURALS, requestedAt, serviceUnit, tenant, VERSION, withLevel, withSpec, type Manifest,
} from './fixtures.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/releases-test';
const CONFIG_NAME = `mao-releases-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';

type Obj = { metadata: { name: string }; status?: Record<string, unknown> & { conditions?: Condition[] } };

/** A release of 3 catalogue tokens on `unit`, requested on `day` of November 2026 at 09:00Z (10:00 Paris), completed at 11:00Z. */
const release = (name: string, unit: string, day: string): Manifest => changeRequest(
  name, unit, withSpec({ release: true, category: 'StandardComplex', catalogItem: 'app.release.deploy', tokens: 3 }),
  requestedAt(`2026-11-${day}T09:00:00Z`), completedAt(`2026-11-${day}T11:00:00Z`),
);

describe('releases counted against the month\'s quota on a real API server', () => {
  const info = inject('controlPlane');
  const log = pino({ level: 'silent' });
  let admin: KubeConfig;
  /** The provider (its group), with the rights of system:masters: the webhook judges it as the provider. */
  let paul: KubeConfig;
  /** The controllers' user, the operator for the webhook (it alone writes SLAReports). */
  let operator: KubeConfig;
  const operatorUser = `operator-${run}`;
  let ns: string;
  let bypassed: string;
  let webhook: Manager;
  let controllers: Manager;

  const get = async (namespace: string, kind: string, name: string): Promise<Obj> =>
    (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS[kind]!, namespace, name })) as Obj;
  const cond = (o: Obj, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
  const waitFor = (namespace: string, kind: string, name: string, check: (o: Obj) => void): Promise<Obj> =>
    eventually(async () => { const o = await get(namespace, kind, name); check(o); return o; });

  const tenancy = (): Manifest[] => [
    tenant('t'),
    // Premium in production (fixtures.ts contract): quota 4 a month (seed Table 1); 10 tokens a month at 100 EUR.
    contract('c'),
    serviceUnit('app-1', withLevel('Application'), withSpec({ targets: [{ kind: 'VirtualMachine', name: 'vm-app-1' }] })),
    serviceUnit('db-1', withLevel('Database'), withSpec({ targets: [{ kind: 'VirtualMachine', name: 'vm-db-1' }] })),
  ];

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    paul = userKubeConfig(info, `paul-${run}`, ['system:masters', PROVIDER_GROUP]);
    operator = userKubeConfig(info, operatorUser, ['system:masters']);
    ns = await createNamespace(admin, 'releases');
    bypassed = await createNamespace(admin, 'releases-bypassed');
    await admin.makeApiClient(CoreV1Api).patchNamespace({ name: ns, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));

    webhook = new Manager({ kubeConfig: admin, logger: log, leaderElection: false, clock: fixedClock, watch: { namespaces: [ns] } });
    const certs = await webhookCertificates(webhook.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({ manager: webhook, tls: certs.tls, port: 0, host: '127.0.0.1', providerGroups: [PROVIDER_GROUP], operatorUsername: operatorUser, logger: log });
    webhook.add(server);
    webhook.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(webhook.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME,
      operatorNamespace: ns, namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    // The API server picks the configuration up asynchronously: wait until a write is judged.
    await eventually(async () => {
      // The admin is no contact of the tenant: the webhook, once called, refuses its incident.
      const probe = await attempt(() => admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: ns, plural: 'incidents', dryRun: 'All', body: incident('probe', 'app-1'),
      }));
      expect(probe.ok ? '' : probe.message).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    await createAll(paul, ns, tenancy());
    // The webhook reads the units from its cache: wait until both are in it.
    await eventually(() => ['app-1', 'db-1'].every((n) => webhook.informer({ group: GROUP, version: VERSION, plural: 'serviceunits' }).get(ns, n) !== undefined));
    // Mon 2 … Fri 6 November 2026: five Premium releases.
    await createAll(paul, ns, [release('rel-1', 'app-1', '02'), release('rel-2', 'app-1', '03'), release('rel-3', 'app-1', '04'), release('rel-4', 'app-1', '05'), release('rel-5', 'app-1', '06')]);
    await createAll(admin, bypassed, [...tenancy(), release('rel-db', 'db-1', '02')]);

    controllers = new Manager({ kubeConfig: operator, logger: log, leaderElection: false, watch: { namespaces: [ns, bypassed] } });
    registerControllers(controllers, { clock: fixedClock });
    controllers.start();
    expect(await controllers.waitForCacheSync()).toBe(true);
  });

  afterAll(async () => {
    await controllers.stop();
    await deleteWebhookConfiguration(webhook.client, CONFIG_NAME);
    await webhook.stop();
  });

  it('the fifth release of a Premium month is flagged and billed as a change; the first four are included', async () => {
    const fifth = await waitFor(ns, 'ChangeRequest', 'rel-5', (o) => { expect(cond(o, 'WithinReleaseQuota')).toBeDefined(); });
    expect(cond(fifth, 'WithinReleaseQuota')).toMatchObject({
      status: 'False', reason: 'ReleaseQuotaExceeded', message: 'the 5th release of November 2026 on Premium, over the quota of 4: billed as a change (seed §5.5)',
    });
    // Billed as a change: its 3 catalogue tokens at 100 EUR.
    expect(fifth.status).toMatchObject({ tokensCharged: 3, price: 300, release: { month: '2026-11', supportLevel: 'Premium', rank: 5, quota: 4, withinQuota: false } });
    for (const [name, rank] of [['rel-1', 1], ['rel-2', 2], ['rel-3', 3], ['rel-4', 4]] as const) {
      const o = await waitFor(ns, 'ChangeRequest', name, (x) => { expect(cond(x, 'WithinReleaseQuota')).toBeDefined(); });
      expect(cond(o, 'WithinReleaseQuota')).toMatchObject({ status: 'True', reason: 'ReleaseIncluded' });
      expect(o.status).toMatchObject({ tokensCharged: 0, price: 0, release: { rank, quota: 4, withinQuota: true } });
    }
  });

  it('the month\'s report counts the releases per level and the billed one in the ledger', async () => {
    const report = await waitFor(ns, 'SLAReport', 'c-2026-11', (o) => { expect(o.status?.releases).toBeDefined(); });
    // 5 releases on Premium, quota 4: 1 over. Tokens: only rel-5's 3 of the pack of 10.
    expect(report.status?.releases).toEqual([{ supportLevel: 'Premium', count: 5, quota: 4, overQuota: 1 }]);
    expect(report.status?.tokens).toMatchObject({ pack: 10, used: 3, extra: 0 });
  });

  it('a release on a Database unit is refused by the webhook naming spec.unitRefs[0]; bypassed, the controller flags it', async () => {
    const refused = await attempt(() => createAll(paul, ns, [release('rel-db', 'db-1', '09')]));
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.message).toContain("spec.unitRefs[0]: ServiceUnit 'db-1' is at level Database: a release (spec.release) is a change on a managed application, level Application (seed Table 1)");
    const flagged = await waitFor(bypassed, 'ChangeRequest', 'rel-db', (o) => { expect(cond(o, 'Valid')?.status).toBe('False'); });
    expect(cond(flagged, 'Valid')).toMatchObject({
      reason: 'ReleaseInvalid', message: "spec.unitRefs[0]: ServiceUnit 'db-1' is at level Database: a release (spec.release) is a change on a managed application, level Application (seed Table 1)",
    });
    expect(cond(flagged, 'Ready')).toMatchObject({ status: 'False', reason: 'ReleaseInvalid' });
    // Its Warning Event is named after the condition's reason (it was AcceleratedQuotaExceeded for every Valid=False).
    await eventually(async () => {
      const events = (await admin.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: bypassed })).items.filter((e) => e.regarding?.name === 'rel-db' && e.type === 'Warning');
      expect(events.map((e) => e.reason)).toEqual(['ReleaseInvalid']);
    });
  });

  it('spec.release is immutable (CEL)', async () => {
    const api = admin.makeApiClient(CustomObjectsApi);
    const patched = await attempt(() => api.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: bypassed, plural: 'changerequests', name: 'rel-db', body: [{ op: 'replace', path: '/spec/release', value: false }] }));
    expect(patched.ok ? '' : patched.message).toContain('spec.release');
  });
});
