import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { INDEXES, refNames, targetKeys } from './cache.ts';

/** A cached object as the informer holds it: plain JSON. */
const stored = (value: object): KubernetesObject => JSON.parse(JSON.stringify(value)) as KubernetesObject;
const obj = (spec: unknown): KubernetesObject => stored({ metadata: { namespace: 'ns', name: 'x' }, spec });

describe('refNames / targetKeys (total: they run on every cached object)', () => {
  it.each<[unknown, string[]]>([
    [undefined, []],
    [null, []],
    ['inc-1', []],
    [{ name: 'inc-1' }, ['inc-1']],
    [[{ name: 'a' }, undefined, null, 'b', { name: 2 }, { name: 'c' }], ['a', 'c']],
  ])('refNames(%j) = %j', (value, expected) => {
    expect(refNames(value)).toEqual(expected);
  });

  it.each<[unknown, string[]]>([
    [undefined, []],
    [[{ kind: 'VirtualMachine', name: 'vm-1' }, null, { kind: 'VirtualMachine' }], ['VirtualMachine/vm-1']],
  ])('targetKeys(%j) = %j', (value, expected) => {
    expect(targetKeys(value)).toEqual(expected);
  });
});

describe('INDEXES', () => {
  it('indexes a ChangeRequest without relatedIncident under nothing, without throwing', () => {
    const change = obj({ unitRefs: [{ name: 'os-a' }], category: 'Simple' });
    expect(INDEXES.relatedIncident(change)).toEqual([]);
    expect(INDEXES.unitRefs(change)).toEqual(['ns/os-a']);
  });

  it('indexes a ChangeRequest with relatedIncident under it', () => {
    expect(INDEXES.relatedIncident(obj({ relatedIncident: { name: 'inc-1' } }))).toEqual(['ns/inc-1']);
  });

  it.each(['target', 'dependsOn', 'unitRefs', 'relatedIncident', 'contractRef'] as const)('%s is total on an object without spec', (index) => {
    expect(INDEXES[index](stored({ metadata: { name: 'x' } }))).toEqual([]);
    expect(INDEXES[index](obj('not an object'))).toEqual([]);
  });
});
