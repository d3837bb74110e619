// The corpus of test/fixtures/invalid: each manifest is refused by the real API server, with a
// message that contains the fragment of its `# expect:` line (which names the field).
//
// A fixture is one YAML document (a create that must fail) or several (`# update:`): the first is
// created and must succeed, every later one replaces it (the `/status` subresource with
// `# subresource: status`) and only the last must fail. Each fixture runs in its own namespace.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { GROUP, KINDS, VERSION } from '../../src/api/v1alpha1/index.ts';
import { adminKubeConfig, createNamespace } from '../controlplane/client.ts';

type Manifest = { kind: string; metadata: { name: string; namespace?: string; resourceVersion?: string }; [key: string]: unknown };

interface Fixture {
  file: string;
  expect: string;
  status: boolean;
  docs: Manifest[];
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'invalid');
const fixtures: Fixture[] = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((file) => {
  const text = readFileSync(join(dir, file), 'utf8');
  const expected = /^# expect: (.+)$/m.exec(text)?.[1];
  if (expected === undefined) throw new Error(`${file}: no "# expect:" line`);
  return { file, expect: expected, status: /^# subresource: status$/m.test(text), docs: parseAllDocuments(text).map((d) => d.toJS() as Manifest) };
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
  beforeAll(() => {
    kc = adminKubeConfig(inject('controlPlane'));
  });

  it('holds at least 40 cases, covering enums, required fields, formats, CEL rules and immutability', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    for (const family of ['enum-', 'required-', 'format-', 'bound-', 'cel-', 'immutable-', 'unknown-']) {
      expect(fixtures.some((f) => f.file.startsWith(family)), family).toBe(true);
    }
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s is refused', async (_file, fixture) => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const namespace = await createNamespace(kc, 'invalid');
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
