// The fast reading of YAML manifests (js-yaml and a scan of the document markers) gives exactly
// what the exact one (`yaml`, with positions) gives, and hands every file with a problem to the
// exact one, so that messages keep their lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentLines, parseManifestText, parseYamlExact } from './manifests.ts';
import { ROOT, yamlFiles } from '../../test/support/files.ts';

describe('parseManifestText', () => {
  const valid = [...yamlFiles(join(ROOT, 'config', 'samples')), ...yamlFiles(join(ROOT, 'test', 'fixtures', 'report'))];
  const invalid = yamlFiles(join(ROOT, 'test', 'fixtures', 'invalid'));

  it.each(valid.map((file) => ({ file: file.slice(ROOT.length + 1) })))('reads $file as the exact reading does, lines included', ({ file }) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const fast = parseManifestText(text, file);
    // (kustomization.yaml and namespace.yaml hold no object of the group: nothing, and no error.)
    expect(fast.errors).toEqual([]);
    expect(fast).toEqual(parseYamlExact(text, file));
  });

  it('reads the samples\' 32 objects of the group', () => {
    // config/samples (kind: lines): 1 tenant + 1 contract + 9 units + 7 functions + 5 changes + 1 change catalogue + 4 incidents + 3 windows + 1 problem = 32.
    const count = valid.filter((f) => f.includes('config/samples')).reduce((n, f) => n + parseManifestText(readFileSync(f, 'utf8'), f).objects.length, 0);
    expect(count).toBe(32);
  });

  it('gives every invalid fixture the exact reading: the same errors with their lines', () => {
    expect(invalid.length).toBeGreaterThan(50);
    for (const path of invalid) {
      const text = readFileSync(path, 'utf8');
      const result = parseManifestText(text, path);
      expect(result, path).toEqual(parseYamlExact(text, path));
    }
  });

  it('names the line of a YAML error and of a refused field, as `yaml` counts them', () => {
    const text = [
      '# a comment', '---', 'apiVersion: managedapps.dev/v1alpha1', 'kind: Incident', 'metadata:', '  name: x', 'spec:',
      '  unitRefs: [{ name: db }]', '  priority: P9', '  summary: s', '  detection: Client', '  openedAt: "2026-11-02T08:00:00Z"',
    ].join('\n');
    // priority is on line 9: the 9th line of the text above.
    const { errors } = parseManifestText(text, 'inc.yaml');
    expect(errors.map((e) => [e.line, e.path])).toEqual([[9, 'spec.priority']]);
    const broken = parseManifestText('a: 1\nb: [\n', 'broken.yaml');
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0]?.message).toMatch(/^not valid YAML \(document 1\)/);
  });
});

describe('the offline reading refuses what the API server refuses', () => {
  // test/integration/api-invalid.test.ts runs the same fixtures through the real API server. A
  // fixture of several documents is an update (immutability, transition rules): no offline case.
  const creates = yamlFiles(join(ROOT, 'test', 'fixtures', 'invalid'))
    .map((path) => ({ path, file: path.slice(ROOT.length + 1), text: readFileSync(path, 'utf8') }))
    .filter((f) => !/^# (update|subresource):?/m.test(f.text));
  it('covers the CEL rules and the schema: at least 80 single-document fixtures', () => {
    expect(creates.length).toBeGreaterThanOrEqual(80);
    expect(creates.filter((f) => f.file.includes('/cel-')).length).toBeGreaterThanOrEqual(25);
  });
  it.each(creates.map(({ file, text }) => ({ file, text })))('$file', ({ file, text }) => {
    const expected = /^# expect: (.+)$/m.exec(text)?.[1] ?? '<no # expect: line>';
    const result = parseManifestText(text, file);
    expect(result.objects).toEqual([]);
    expect(result.errors.map((e) => `${e.path ?? ''}: ${e.message}`).join('\n')).toContain(expected);
  });
});

describe('unknown fields, refused as the API server refuses them (strict decoding)', () => {
  it('names each unknown field with its line, in spec, status and metadata; known ones pass', () => {
    const text = [
      'apiVersion: managedapps.dev/v1alpha1', 'kind: SupportContract', 'metadata:', '  name: c', '  nickname: x', 'spec:',
      '  start: "2026-01-01"', '  supportChain: FullFrance', '  subscribedLevels: [OS]',
      '  supportLevels:', '    - environment: Production', '      level: Standard', '      since: "2026-11"',
      '  prices: { currency: EUR, tokenPrice: 95, discount: 3 }', 'specs: {}',
    ].join('\n');
    // Lines by hand: nickname 5, since 13, discount 14 (prices' line), specs 15.
    const { objects, errors } = parseManifestText(text, 'c.yaml');
    expect(objects).toEqual([]);
    expect(errors.map((e) => [e.line, e.path])).toEqual([[5, 'metadata.nickname'], [13, 'spec.supportLevels[0].since'], [14, 'spec.prices.discount'], [15, 'specs']]);
    expect(errors[1]?.message).toBe('unknown field "spec.supportLevels[0].since": the API server refuses it (strict decoding error)');
  });
  it('map values (labels, annotations) are not fields', () => {
    const text = 'apiVersion: managedapps.dev/v1alpha1\nkind: ManagedTenant\nmetadata: { name: t, labels: { any: thing }, annotations: { a/b: c } }\nspec: { managementModel: FullyManaged, iaas: { provider: X }, contacts: [] }\n';
    expect(parseManifestText(text, 't.yaml').errors).toEqual([]);
  });
});

describe('documentLines', () => {
  it.each([
    // Each line counted by hand from the text.
    { text: 'a: 1\n', lines: [1] },
    { text: '---\na: 1\n', lines: [2] },
    { text: 'a: 1\n---\n', lines: [1, undefined] },
    { text: '---\n---\na: 1\n', lines: [undefined, 3] },
    { text: '# c\n\n---\n# d\na: 1\n---\nb: 2\n...\n', lines: [5, 7] },
    { text: '%YAML 1.2\n---\na: 1\n', lines: [3] },
    { text: '--- {a: 1}\n', lines: [1] },
    { text: '', lines: [] },
    { text: '# only a comment\n', lines: [] },
  ])('$text', ({ text, lines }) => {
    expect(documentLines(text)).toEqual(lines);
  });
});

describe('aliases', () => {
  it('leave the expansion of aliases to the exact reading, which bounds it', () => {
    // Nine levels of ten aliases each: 10^9 nodes once expanded.
    const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array.from({ length: 10 }, () => `*l${i}`).join(', ')}]`);
    const text = ['l0: &l0 [x]', ...levels, 'apiVersion: managedapps.dev/v1alpha1', 'kind: Incident'].join('\n');
    const { errors } = parseManifestText(text, 'bomb.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^not valid YAML \(document 1\): .*alias/i);
  });
});
