// stripForCache, the informers' default transform (issue 17 item 3): what it drops and what it
// keeps. Its effect on the real API server (ownership intact) is test/integration/runtime-cache-transform.test.ts.
import { describe, expect, it } from 'vitest';
import { LAST_APPLIED_ANNOTATION, stripForCache } from './informer.ts';

const object = (annotations?: Record<string, string>) => ({
  apiVersion: 'managedapps.dev/v1alpha1',
  kind: 'ServiceUnit',
  metadata: {
    name: 'u', namespace: 'ns', uid: '0b0c', resourceVersion: '42', generation: 3, labels: { a: 'b' },
    ...(annotations !== undefined ? { annotations } : {}),
    finalizers: ['managedapps.dev/retention'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: '1' }],
    managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': {} } }],
  },
  spec: { level: 'OS' },
  status: { observedGeneration: 3 },
});

describe('stripForCache', () => {
  it('drops managedFields and kubectl\'s last-applied-configuration, keeps the other annotations and everything else', () => {
    const got = stripForCache(object({ [LAST_APPLIED_ANNOTATION]: '{"big":"copy"}', 'managedapps.dev/history': '[]' }));
    const { managedFields: _dropped, ...kept } = object({ 'managedapps.dev/history': '[]' }).metadata;
    expect(got).toEqual({ ...object(), metadata: kept });
  });

  it('drops an annotations map left empty, and leaves an object without either untouched', () => {
    expect(stripForCache(object({ [LAST_APPLIED_ANNOTATION]: '{}' })).metadata).not.toHaveProperty('annotations');
    const { managedFields: _dropped, ...bare } = object().metadata;
    const plain = { ...object(), metadata: bare };
    expect(stripForCache(structuredClone(plain))).toEqual(plain);
    expect(stripForCache({ kind: 'Thing' })).toEqual({ kind: 'Thing' });
  });
});
