// Our short names against the real API server's discovery (issue 19 item 7: `sc` was
// StorageClass's, so `kubectl get sc` and `kubectl delete sc <contract>` acted on storage
// classes). Every short name, plural and singular of ours must name nothing of another group.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUP, KINDS } from '../../src/api/v1alpha1/index.ts';
import { KubeClient } from '../../src/runtime/kube.ts';
import { adminKubeConfig } from '../controlplane/client.ts';

interface ResourceList { resources: { name: string; singularName?: string; shortNames?: string[]; kind: string }[] }
interface GroupList { groups: { name: string; preferredVersion?: { groupVersion: string }; versions: { groupVersion: string }[] }[] }

describe('short names on a real API server', () => {
  let client: KubeClient;
  /** Every name kubectl resolves (plural, singular, short names) of the other groups, with its owner. */
  const others = new Map<string, string>();
  /** Our short names as the server serves them. */
  const served = new Map<string, readonly string[]>();

  beforeAll(async () => {
    client = new KubeClient(adminKubeConfig(inject('controlPlane')));
    const lists: [string, ResourceList][] = [['core', await client.request<ResourceList>('GET', '/api/v1')]];
    const groups = await client.request<GroupList>('GET', '/apis');
    for (const g of groups.groups) {
      for (const v of g.versions) lists.push([g.name, await client.request<ResourceList>('GET', `/apis/${v.groupVersion}`)]);
    }
    for (const [group, list] of lists) {
      for (const r of list.resources) {
        if (r.name.includes('/')) continue; // subresources
        if (group === GROUP) {
          served.set(r.kind, r.shortNames ?? []);
          continue;
        }
        for (const name of [r.name, r.singularName ?? '', ...(r.shortNames ?? [])]) if (name !== '') others.set(name, `${r.kind} (${group})`);
      }
    }
  });

  it('discovery lists the built-in kinds (StorageClass is sc)', () => {
    expect(others.get('sc')).toBe('StorageClass (storage.k8s.io)');
    expect(others.size).toBeGreaterThan(50);
  });

  it.each(KINDS.map((k) => [k.kind, k] as const))('%s: its names collide with no other kind', (kind, k) => {
    expect(served.get(kind)).toEqual(k.shortNames);
    for (const name of [...k.shortNames, k.plural, k.singular]) {
      expect(others.get(name), `${kind} name '${name}'`).toBeUndefined();
    }
  });
});
