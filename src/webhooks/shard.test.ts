import { describe, expect, it } from 'vitest';
import type { AdmissionRequest } from './admission.ts';
import { shardPatch, withShardLabel } from './shard.ts';

const shards = { count: 8, labelKey: 'managedapps.dev/shard' };
// FNV-1a 32 of "a" is 0xe40c292c (the reference vector); 0x2c = 44 = 5 × 8 + 4: namespace "a" is bucket 4 of 8.
const request = (over: Partial<AdmissionRequest>): AdmissionRequest => ({
  uid: 'u', kind: { group: 'managedapps.dev', version: 'v1alpha1', kind: 'SupportContract' }, namespace: 'a', operation: 'CREATE', userInfo: { username: 'x' }, ...over,
});

describe('shardPatch: the shard label at admission', () => {
  it('adds the labels map when there is none', () => {
    expect(shardPatch(request({ object: { metadata: { name: 'c' } } }), shards)).toEqual([{ op: 'add', path: '/metadata/labels', value: { 'managedapps.dev/shard': '4-of-8' } }]);
  });

  it('adds the label next to the others, and puts a wrong one (another count) right', () => {
    expect(shardPatch(request({ object: { metadata: { labels: { team: 'ops' } } } }), shards)).toEqual([{ op: 'add', path: '/metadata/labels/managedapps.dev~1shard', value: '4-of-8' }]);
    expect(shardPatch(request({ operation: 'UPDATE', object: { metadata: { labels: { 'managedapps.dev/shard': '1-of-4' } } } }), shards)).toEqual([{ op: 'add', path: '/metadata/labels/managedapps.dev~1shard', value: '4-of-8' }]);
  });

  it('leaves a right label, a DELETE and a subresource alone', () => {
    expect(shardPatch(request({ object: { metadata: { labels: { 'managedapps.dev/shard': '4-of-8' } } } }), shards)).toEqual([]);
    expect(shardPatch(request({ operation: 'DELETE' }), shards)).toEqual([]);
    expect(shardPatch(request({ subResource: 'status', object: { metadata: {} } }), shards)).toEqual([]);
  });

  it('appends to the other stamps, keeps a refusal, and does nothing unsharded', () => {
    const req = request({ object: { metadata: {} } });
    const stamp = { op: 'add' as const, path: '/spec/x', value: 1 };
    expect(withShardLabel({ allowed: true, patch: [stamp] }, req, shards)).toEqual({ allowed: true, patch: [stamp, { op: 'add', path: '/metadata/labels', value: { 'managedapps.dev/shard': '4-of-8' } }] });
    const refusal = { allowed: false as const, reason: 'Invalid' as const, violations: [{ path: 'spec', message: 'no' }] };
    expect(withShardLabel(refusal, req, shards)).toBe(refusal);
    expect(withShardLabel({ allowed: true }, req, undefined)).toEqual({ allowed: true });
  });
});
