// The change catalogue (issue 14 item 5, seed §10) on a real API server: the admission webhook in
// this process (url mode, this run's namespaces only) and the controllers, both on a fixed
// instant, Friday 2026-11-20T12:00Z, never the day the test runs.
//
// Namespace `ns` has the ChangeCatalog `standard` from the start: a standard change is priced
// from its item (the webhook stamps spec.tokens and spec.catalogStamp at creation, whatever the
// body says), an unknown item is refused naming spec.catalogItem, one of the other category
// naming spec.category, none naming spec.catalogItem (CEL); an edit of the catalogue afterwards
// prices the later changes only. Namespace `late` gets its catalogue after its changes (GitOps
// order): a change without tokens is admitted, flagged Valid=False CatalogItemUnknown, and
// priced once the catalogue comes; a change older than the catalogue keeps its recorded tokens.
import { createHash, randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, EventsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerControllers } from '../../src/controllers/index.ts';
import { Manager, realClock, type Clock, type Condition } from '../../src/runtime/index.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually, userKubeConfig } from '../controlplane/client.ts';
import { attempt } from '../support/attempt.ts';
import { changeRequest, completedAt, contract, createAll, GROUP, incident, PLURALS, requestedAt, serviceUnit, tenant, VERSION, withSpec, type Manifest } from './fixtures.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const fixedClock: Clock = { now: () => NOW, setTimeout: (fn, ms) => realClock.setTimeout(fn, ms) };
const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/catalog-test';
const CONFIG_NAME = `mao-catalog-test-${run}`;
const PROVIDER_GROUP = 'managedapps:provider';

type Obj = { metadata: { name: string; generation?: number }; spec: Record<string, unknown>; status?: Record<string, unknown> & { conditions?: Condition[] } };

/** The catalogue: os.user.create is simple (1 token), os.kernel.tuning complex (`tuning` tokens). */
const catalog = (tuning: number): Manifest => ({
  apiVersion: `${GROUP}/${VERSION}`, kind: 'ChangeCatalog', metadata: { name: 'standard' },
  spec: {
    items: [
      { id: 'os.user.create', title: 'Create an OS user', category: 'StandardSimple', tokens: 1 },
      { id: 'os.kernel.tuning', title: 'Tune kernel parameters', category: 'StandardComplex', tokens: tuning },
    ],
  },
});
/** A StandardComplex change on os-1 naming `item`, no tokens of its own, requested Mon 2 November 2026 at 09:00Z (a client's is stamped at its request: NOW). */
const complex = (name: string, item: string, ...more: ReturnType<typeof withSpec>[]): Manifest => changeRequest(
  name, 'os-1', withSpec({ category: 'StandardComplex', catalogItem: item, tokens: undefined }), requestedAt('2026-11-02T09:00:00Z'), ...more,
);
/** What the webhook records: sha256 of the item's id, category and tokens, as JSON. */
const digestOf = (id: string, category: string, tokens: number): string => `sha256:${createHash('sha256').update(JSON.stringify([id, category, tokens])).digest('hex')}`;

describe('the change catalogue on a real API server', () => {
  const info = inject('controlPlane');
  const log = pino({ level: 'silent' });
  let admin: KubeConfig;
  /** The provider (its group), with the rights of system:masters: the webhook judges it as the provider. */
  let paul: KubeConfig;
  /** The tenant's contact alice (ChangeRequester in the fixtures' tenant); RBAC is rbac-roles.test.ts's. */
  let alice: KubeConfig;
  let operator: KubeConfig;
  const operatorUser = `operator-${run}`;
  let ns: string;
  let late: string;
  let webhook: Manager;
  let controllers: Manager;

  const api = (kc: KubeConfig) => kc.makeApiClient(CustomObjectsApi);
  const get = async (namespace: string, kind: string, name: string): Promise<Obj> =>
    (await api(admin).getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURALS[kind]!, namespace, name })) as Obj;
  const cond = (o: Obj, type: string): Condition | undefined => o.status?.conditions?.find((c) => c.type === type);
  const waitFor = (namespace: string, kind: string, name: string, check: (o: Obj) => void): Promise<Obj> =>
    eventually(async () => { const o = await get(namespace, kind, name); check(o); return o; });
  const cached = (namespace: string, plural: string, name: string, generation?: number) => eventually(() => {
    const o = webhook.informer({ group: GROUP, version: VERSION, plural }).get(namespace, name);
    expect(o).toBeDefined();
    if (generation !== undefined) expect(o?.metadata?.generation).toBe(generation);
  });
  /** Premium in production (fixtures.ts contract), 100 EUR a token, a pack of 10; one OS unit. */
  const tenancy = (): Manifest[] => [tenant('t'), contract('c'), serviceUnit('os-1')];

  beforeAll(async () => {
    admin = adminKubeConfig(info);
    paul = userKubeConfig(info, `paul-${run}`, ['system:masters', PROVIDER_GROUP]);
    alice = userKubeConfig(info, 'alice', ['system:masters']);
    operator = userKubeConfig(info, operatorUser, ['system:masters']);
    ns = await createNamespace(admin, 'catalog');
    late = await createNamespace(admin, 'catalog-late');
    for (const name of [ns, late]) {
      await admin.makeApiClient(CoreV1Api).patchNamespace({ name, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    }

    webhook = new Manager({ kubeConfig: admin, logger: log, leaderElection: false, clock: fixedClock, watch: { namespaces: [ns, late] } });
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
      const probe = await attempt(() => api(admin).createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: 'incidents', dryRun: 'All', body: incident('probe', 'os-1') }));
      expect(probe.ok ? '' : probe.message).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });

    await createAll(paul, ns, [...tenancy(), catalog(3)]);
    await createAll(paul, late, tenancy());
    await cached(ns, 'changecatalogs', 'standard');
    await cached(ns, 'managedtenants', 't');
    await cached(late, 'managedtenants', 't');

    controllers = new Manager({ kubeConfig: operator, logger: log, leaderElection: false, watch: { namespaces: [ns, late] } });
    registerControllers(controllers, { clock: fixedClock });
    controllers.start();
    expect(await controllers.waitForCacheSync()).toBe(true);
  });

  afterAll(async () => {
    await controllers.stop();
    await deleteWebhookConfiguration(webhook.client, CONFIG_NAME);
    await webhook.stop();
  });

  it('a standard change is priced from its catalogue item: tokens and catalogue stamped whatever the body says', async () => {
    // alice asks os.kernel.tuning at 2 tokens of her own, outside business hours; the item is 3 tokens.
    await createAll(alice, ns, [complex('chg-tuning', 'os.kernel.tuning', withSpec({ tokens: 2, outsideBusinessHours: true }))]);
    const stored = await get(ns, 'ChangeRequest', 'chg-tuning');
    expect(stored.spec.tokens).toBe(3);
    expect(stored.spec.catalogStamp).toEqual({ catalog: 'standard', generation: 1, digest: digestOf('os.kernel.tuning', 'StandardComplex', 3) });
    // 3 tokens × 2 outside business hours = 6 charged; at 100 EUR a token: 600 EUR.
    const priced = await waitFor(ns, 'ChangeRequest', 'chg-tuning', (o) => { expect(o.status?.priceSource).toBe('CatalogStamp'); });
    expect(priced.status).toMatchObject({ tokensCharged: 6, price: 600, currency: 'EUR' });
    expect(cond(priced, 'Valid')).toMatchObject({ status: 'True' });
  });

  it('the provider\'s completed change counts its catalogue tokens in the month\'s ledger', async () => {
    // paul records os.user.create, done Mon 2 November 09:00–11:00Z, saying no tokens: the item's 1.
    await createAll(paul, ns, [changeRequest('chg-user', 'os-1', withSpec({ catalogItem: 'os.user.create', tokens: undefined }), requestedAt('2026-11-02T09:00:00Z'), completedAt('2026-11-02T11:00:00Z'))]);
    expect((await get(ns, 'ChangeRequest', 'chg-user')).spec.tokens).toBe(1);
    // November's ledger: chg-user's 1 token is work done; chg-tuning is not completed, it consumes nothing yet. Pack 10: 1 used, none extra.
    const report = await waitFor(ns, 'SLAReport', 'c-2026-11', (o) => { expect(o.status?.tokens).toMatchObject({ used: 1 }); });
    expect(report.status?.tokens).toMatchObject({ pack: 10, used: 1, extra: 0 });
  });

  it('an unknown item, none, or one of the other category is refused, naming the field', async () => {
    const refusal = async (m: Manifest): Promise<string> => {
      const r = await attempt(() => createAll(alice, ns, [m]));
      return r.ok ? 'admitted' : r.message;
    };
    expect(await refusal(complex('chg-unknown', 'os.disk.wipe'))).toContain(
      "spec.catalogItem: 'os.disk.wipe' is not an item of ChangeCatalog 'standard' (spec.items[].id: os.user.create, os.kernel.tuning); a change outside the catalogue is NonStandard, quoted",
    );
    expect(await refusal(complex('chg-none', 'os.kernel.tuning', withSpec({ catalogItem: undefined })))).toContain('spec.catalogItem is required for a standard change');
    expect(await refusal(changeRequest('chg-simple', 'os-1', withSpec({ catalogItem: 'os.kernel.tuning', tokens: 1 })))).toContain(
      "spec.category: item 'os.kernel.tuning' of ChangeCatalog 'standard' is StandardComplex (3 tokens), not StandardSimple",
    );
  });

  it('an edit of the catalogue afterwards prices the later changes only; a re-apply keeps the stamp', async () => {
    // The provider raises os.kernel.tuning from 3 to 5 tokens: generation 2.
    await api(paul).patchNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: ns, plural: 'changecatalogs', name: 'standard', body: [{ op: 'replace', path: '/spec/items/1/tokens', value: 5 }],
    });
    await cached(ns, 'changecatalogs', 'standard', 2);
    await createAll(alice, ns, [complex('chg-tuning-2', 'os.kernel.tuning')]);
    const later = await waitFor(ns, 'ChangeRequest', 'chg-tuning-2', (o) => { expect(o.status?.tokensCharged).toBe(5); });
    expect(later.spec.catalogStamp).toEqual({ catalog: 'standard', generation: 2, digest: digestOf('os.kernel.tuning', 'StandardComplex', 5) });
    // 5 tokens at 100 EUR, in business hours: 500 EUR.
    expect(later.status).toMatchObject({ price: 500, priceSource: 'CatalogStamp' });

    // GitOps re-applies alice's manifest as written (2 tokens, no stamp): the stored price stays.
    const before = await get(ns, 'ChangeRequest', 'chg-tuning');
    const manifest = complex('chg-tuning', 'os.kernel.tuning', withSpec({ tokens: 2, outsideBusinessHours: true }));
    await api(alice).replaceNamespacedCustomObject({
      group: GROUP, version: VERSION, namespace: ns, plural: 'changerequests', name: 'chg-tuning',
      body: { ...manifest, metadata: { ...manifest.metadata, namespace: ns, resourceVersion: (before as { metadata: { resourceVersion?: string } }).metadata.resourceVersion } },
    });
    const kept = await get(ns, 'ChangeRequest', 'chg-tuning');
    expect(kept.spec.tokens).toBe(3);
    expect(kept.spec.catalogStamp).toEqual({ catalog: 'standard', generation: 1, digest: digestOf('os.kernel.tuning', 'StandardComplex', 3) });
    // Its status, after the catalogue's edit re-queued the namespace: still 3 × 2 = 6 tokens, 600 EUR.
    await waitFor(ns, 'ChangeCatalog', 'standard', (o) => { expect(o.status?.observedGeneration).toBe(2); });
    expect((await get(ns, 'ChangeRequest', 'chg-tuning')).status).toMatchObject({ tokensCharged: 6, price: 600, priceSource: 'CatalogStamp' });
  });

  it('without the webhook, CEL still refuses a stamp on a NonStandard change (the mutating hook removes one a body brings)', async () => {
    // Not a fixture of test/fixtures/invalid: the webhook benchmark sends those through the mutating hook, which removes the stamp.
    const bare = await createNamespace(admin, 'catalog-bare');
    const forged = changeRequest('chg-forged', 'os-1', withSpec({
      category: 'NonStandard', catalogItem: undefined, tokens: undefined, catalogStamp: { catalog: 'standard', generation: 1, digest: digestOf('os.kernel.tuning', 'StandardComplex', 3) },
    }));
    const refused = await attempt(() => createAll(admin, bare, [forged]));
    expect(refused.ok ? 'admitted' : refused.message).toContain('spec.catalogStamp is only for a standard change priced from its catalogue item');
  });

  it('the catalogue\'s status: its items, Ready; a second catalogue is refused', async () => {
    const o = await waitFor(ns, 'ChangeCatalog', 'standard', (x) => { expect(cond(x, 'Ready')?.status).toBe('True'); });
    expect(o.status).toMatchObject({ items: 2, simple: 1, complex: 1 });
    const second = await attempt(() => createAll(paul, ns, [{ ...catalog(3), metadata: { name: 'other' } }]));
    expect(second.ok ? 'admitted' : second.message).toContain(`metadata.name: namespace '${ns}' already has ChangeCatalog 'standard': one catalogue per namespace`);
  });

  it('GitOps order: a change applied before its catalogue gets CatalogItemUnknown and is priced once it comes; an older record keeps its tokens', async () => {
    // No catalogue in `late` yet: admitted unpriced; a change with its own 2 tokens for an item the catalogue will not list.
    await createAll(alice, late, [complex('chg-early', 'os.kernel.tuning'), complex('chg-legacy', 'os.retired.item', withSpec({ tokens: 2 }))]);
    const early = await waitFor(late, 'ChangeRequest', 'chg-early', (o) => { expect(cond(o, 'Valid')?.status).toBe('False'); });
    expect(cond(early, 'Valid')).toMatchObject({
      reason: 'CatalogItemUnknown', message: "spec.catalogItem: no ChangeCatalog in the namespace: item 'os.kernel.tuning' cannot be priced yet; the change is priced 0 tokens until its item is found",
    });
    expect(cond(early, 'Ready')).toMatchObject({ status: 'False', reason: 'CatalogItemUnknown' });
    expect(early.status).toMatchObject({ tokensCharged: 0, priceSource: 'Catalog' });
    expect(early.spec.catalogStamp).toBeUndefined();
    await eventually(async () => {
      const events = (await admin.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: late })).items.filter((e) => e.regarding?.name === 'chg-early' && e.reason === 'CatalogItemUnknown');
      expect(events.map((e) => e.type)).toEqual(['Warning']);
    });

    await createAll(paul, late, [catalog(4)]);
    // os.kernel.tuning is 4 tokens in this catalogue: 4 at 100 EUR = 400 EUR.
    const priced = await waitFor(late, 'ChangeRequest', 'chg-early', (o) => { expect(cond(o, 'Valid')?.status).toBe('True'); });
    expect(priced.status).toMatchObject({ tokensCharged: 4, price: 400, priceSource: 'Catalog' });
    // The older record: its 2 tokens, 200 EUR, not judged against the catalogue that came later.
    const legacy = await waitFor(late, 'ChangeRequest', 'chg-legacy', (o) => { expect(o.status?.priceSource).toBe('Recorded'); });
    expect(legacy.status).toMatchObject({ tokensCharged: 2, price: 200 });
    expect(cond(legacy, 'Valid')).toMatchObject({ status: 'True' });
  });
});
