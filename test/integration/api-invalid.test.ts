// The corpus of test/fixtures/invalid: each manifest is refused by the real API server, with a
// message that contains the fragment of its `# expect:` line (which names the field).
//
// A fixture with a `# webhook:` line is refused by the admission webhook, not the schema (an
// RRULE that yields nothing: only the domain can expand it). Those run in namespaces that the
// webhook of this file selects (it runs in this process, registered in url mode, as in
// webhook-admission.test.ts); the others see no webhook, so that the schema alone refuses them.
//
// A fixture is one YAML document (a create that must fail) or several (`# update:`): the first is
// created and must succeed, every later one replaces it (the `/status` subresource with
// `# subresource: status`) and only the last must fail. Each fixture runs in its own namespace.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { GROUP, KINDS, VERSION } from '../../src/api/v1alpha1/index.ts';
import { Manager } from '../../src/runtime/manager.ts';
import { deleteWebhookConfiguration, ensureWebhookConfiguration, webhookCertificates } from '../../src/webhooks/certs.ts';
import { createWebhookServer } from '../../src/webhooks/server.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';

const run = randomBytes(4).toString('hex');
const SELECT_LABEL = 'managedapps.dev/invalid-webhook-test';
const CONFIG_NAME = `mao-invalid-test-${run}`;

type Manifest = { kind: string; metadata: { name: string; namespace?: string; resourceVersion?: string }; [key: string]: unknown };

interface Fixture {
  file: string;
  expect: string;
  status: boolean;
  webhook: boolean;
  docs: Manifest[];
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'invalid');
const fixtures: Fixture[] = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  const expected = /^# expect: (.+)$/m.exec(text)?.[1];
  if (expected === undefined) throw new Error(`${file}: no "# expect:" line`);
  return { file, expect: expected, status: /^# subresource: status$/m.test(text), webhook: /^# webhook: /m.test(text), docs: parseAllDocuments(text).map((d) => d.toJS() as Manifest) };
});

const pluralOf = (kind: string) => KINDS.find((k) => k.kind === kind)!.plural;

/** The API server's Status message of a refused request, or a description of the success. */
function refusal(error: unknown): { code: number | undefined; message: string } {
  const e = error as { code?: number; body?: unknown };
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // keep the text
    }
  }
  const message = typeof body === 'object' && body !== null && 'message' in body ? String((body).message) : String(body ?? error);
  return { code: e.code, message };
}

describe('test/fixtures/invalid on a real API server', () => {
  let kc: KubeConfig;
  let manager: Manager | undefined;
  beforeAll(async () => {
    kc = adminKubeConfig(inject('controlPlane'));
    // The webhook, for the `# webhook:` fixtures: the admin (system:masters) acts for the provider.
    manager = new Manager({ kubeConfig: kc, logger: pino({ level: 'silent' }), leaderElection: false });
    const certs = await webhookCertificates(manager.client, { mode: 'url', host: '127.0.0.1' });
    const server = createWebhookServer({ manager, tls: certs.tls, port: 0, host: '127.0.0.1', providerGroups: ['system:masters'], operatorUsername: 'system:serviceaccount:none:none', logger: pino({ level: 'silent' }) });
    manager.add(server);
    manager.start();
    const address = await server.listening;
    await ensureWebhookConfiguration(manager.client, {
      mode: 'url', url: `https://127.0.0.1:${address.port}`, caBundle: certs.caBundle, name: CONFIG_NAME,
      operatorNamespace: 'none', namespaceSelector: { matchLabels: { [SELECT_LABEL]: run } },
    });
    // The API server picks the configuration up asynchronously: wait until a window is judged.
    const probeNs = await webhookNamespace();
    const api = kc.makeApiClient(CustomObjectsApi);
    await eventually(async () => {
      const outcome = await api.createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace: probeNs, plural: 'maintenancewindows', dryRun: 'All',
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'MaintenanceWindow', metadata: { name: 'probe' }, spec: { purpose: 'Maintenance', recurrence: { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', startTime: '02:00' }, duration: '1h', selector: {} } },
      }).then(() => '', (error: unknown) => refusal(error).message);
      expect(outcome).toContain('validate.managedapps.dev');
    }, { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    if (manager === undefined) return;
    await deleteWebhookConfiguration(manager.client, CONFIG_NAME);
    await manager.stop();
  });

  /** A namespace of this file that the webhook selects. */
  async function webhookNamespace(): Promise<string> {
    const namespace = await createNamespace(kc, 'invalid-webhook');
    await kc.makeApiClient(CoreV1Api).patchNamespace({ name: namespace, body: { metadata: { labels: { [SELECT_LABEL]: run } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    return namespace;
  }

  it('holds at least 40 cases, covering enums, required fields, formats, CEL rules and immutability, and 60 of value bounds', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(fixtures.filter((f) => f.file.startsWith('bounds-')).length).toBeGreaterThanOrEqual(60);
    for (const family of ['enum-', 'required-', 'format-', 'bound-', 'bounds-', 'cel-', 'immutable-', 'unknown-']) {
      expect(fixtures.some((f) => f.file.startsWith(family)), family).toBe(true);
    }
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s is refused', async (_file, fixture) => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const namespace = fixture.webhook ? await webhookNamespace() : await createNamespace(kc, 'invalid');
    const [first, ...updates] = fixture.docs;
    const target = { group: GROUP, version: VERSION, namespace, plural: pluralOf(first!.kind) };
    const send = async (doc: Manifest, create: boolean): Promise<unknown> => {
      const body = { ...doc, metadata: { ...doc.metadata, namespace } };
      // Strict field validation, as kubectl sends it by default: an unknown field is refused.
      if (create) return (await api.createNamespacedCustomObject({ ...target, body, fieldValidation: 'Strict' })) as unknown;
      const current = (await api.getNamespacedCustomObject({ ...target, name: doc.metadata.name })) as Manifest;
      const replacement = { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion } };
      return (fixture.status
        ? await api.replaceNamespacedCustomObjectStatus({ ...target, name: doc.metadata.name, body: replacement, fieldValidation: 'Strict' })
        : await api.replaceNamespacedCustomObject({ ...target, name: doc.metadata.name, body: replacement, fieldValidation: 'Strict' })) as unknown;
    };

    const steps: [Manifest, boolean][] = [[first!, true], ...updates.map((u): [Manifest, boolean] => [u, false])];
    for (const [index, [doc, create]] of steps.entries()) {
      const last = index === steps.length - 1;
      if (!last) {
        await send(doc, create); // the original, and intermediate updates, are valid
        continue;
      }
      const outcome = await send(doc, create).then(() => undefined, refusal);
      expect(outcome, `${fixture.file} was accepted`).toBeDefined();
      // 422 Invalid; an unknown field is refused while decoding, before the schema: 400 BadRequest.
      expect(outcome!.code).toBe(fixture.file.startsWith('unknown-') ? 400 : 422);
      expect(outcome!.message).toContain(fixture.expect);
    }
  });
});
