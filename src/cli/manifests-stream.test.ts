// The streamed reading of YAML manifests (issue 17): a file is fed to js-yaml document by
// document, in chunks cut anywhere, and gives exactly what the exact reading (`yaml`, with
// positions) gives; what only the exact reading handles is handed to it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifests, parseYamlExact, readYamlFast } from './manifests.ts';
import { ROOT, yamlFiles } from '../../test/support/files.ts';

describe('readYamlFast: the stream cut anywhere', () => {
  const files = [...yamlFiles(join(ROOT, 'config', 'samples')), ...yamlFiles(join(ROOT, 'test', 'fixtures', 'report'))];
  /** The text in chunks of `size` characters: a chunk may end inside a line, a marker or a character pair. */
  const chunks = (text: string, size: number): string[] => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
  it.each([1, 2, 3, 7, 64, 4096])('chunks of %i characters give what the exact reading gives', (size) => {
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const fast = readYamlFast(chunks(text, size), path);
      expect(fast, path).toBeDefined();
      expect(fast, path).toEqual(parseYamlExact(text, path));
    }
  });
  it.each([
    { why: 'a document end marker', text: 'a: 1\n...\n' },
    { why: 'a directive', text: '%YAML 1.2\n---\na: 1\n' },
    { why: 'a byte-order mark', text: '\uFEFFa: 1\n' },
    { why: 'an anchor', text: 'a: &x 1\nb: *x\n' },
    { why: 'YAML js-yaml refuses', text: 'a: [\n' },
  ])('leaves $why to the exact reading', ({ text }) => {
    expect(readYamlFast(chunks(text, 3), 'x.yaml')).toBeUndefined();
  });
  it('reads a stream of documents, each object with the line of its first field', () => {
    const text = ['# header', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata: { name: a }', '---', '', '---  # an empty document', '--- {apiVersion: v1, kind: Namespace, metadata: {name: b}}', ''].join('\n');
    // Objects of other groups are ignored, so nothing comes back; what matters is that the fast reading accepts it.
    expect(readYamlFast(chunks(text, 5), 'ns.yaml')).toEqual({ objects: [], errors: [] });
  });
});

describe('loadManifests, streamed from the files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mao-stream-'));
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('gives the objects of the samples with and without what was written (raw: false)', async () => {
    const withRaw = await loadManifests([join(ROOT, 'config', 'samples')]);
    const without = await loadManifests([join(ROOT, 'config', 'samples')], { raw: false });
    expect(withRaw.errors).toEqual([]);
    // The 32 objects of the group in config/samples (parseManifestText's count in manifests.test.ts).
    expect(withRaw.objects).toHaveLength(32);
    expect(withRaw.objects.every((o) => o.raw !== undefined)).toBe(true);
    expect(without.objects.every((o) => o.raw === undefined)).toBe(true);
    expect(without.objects.map(({ raw: _raw, ...o }) => o)).toEqual(withRaw.objects.map(({ raw: _raw, ...o }) => o));
  });

  it('reads a file with a problem again, whole, for the exact line of each message', async () => {
    // The bad priority is on line 9 of this text (counted by hand), after a first valid document.
    const text = [
      'apiVersion: v1', 'kind: Namespace', 'metadata: { name: a }', '---',
      'apiVersion: managedapps.dev/v1alpha1', 'kind: Incident', 'metadata: { name: x }', 'spec:',
      '  priority: P9', '  unitRefs: [{ name: db }]', '  summary: s', '  detection: Client', '  openedAt: "2026-11-02T08:00:00Z"', '',
    ].join('\n');
    const file = join(dir, 'incident.yaml');
    writeFileSync(file, text);
    const { objects, errors } = await loadManifests([file]);
    expect(objects).toEqual([]);
    expect(errors.map((e) => [e.line, e.path])).toEqual([[9, 'spec.priority']]);
  });
});
