// The generated CRDs against a real kube-apiserver: each one is Established, and what the server
// stores is exactly what we generated (nothing of the schema was dropped or rewritten).
import { ApiextensionsV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { crdManifests } from '../../src/api/crds.ts';
import { adminKubeConfig } from '../controlplane/client.ts';

interface CrdWire {
  metadata: { name: string };
  spec: { versions: { schema: { openAPIV3Schema: unknown }; additionalPrinterColumns: unknown[] }[]; names: unknown };
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

/** The CRD as raw JSON: the custom-objects client passes bodies through untouched, whereas the
 * typed ApiextensionsV1Api model would rename or drop `x-kubernetes-*` keys. */
async function readRaw(kc: KubeConfig, name: string): Promise<CrdWire> {
  const api = kc.makeApiClient(CustomObjectsApi);
  return (await api.getClusterCustomObject({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', name })) as CrdWire;
}

describe('CRDs on a real API server', () => {
  let kc: KubeConfig;
  beforeAll(() => {
    kc = adminKubeConfig(inject('controlPlane'));
  });

  it.each(crdManifests().map((crd) => [(crd.metadata as { name: string }).name, crd] as const))('%s is Established and stored as generated', async (name, crd) => {
    const api = kc.makeApiClient(ApiextensionsV1Api);
    const typed = await api.readCustomResourceDefinition({ name });
    const conditions = typed.status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Established')?.status, JSON.stringify(conditions)).toBe('True');
    expect(conditions.find((c) => c.type === 'NonStructuralSchema')).toBeUndefined();

    const stored = await readRaw(kc, name);
    const ours = (crd.spec as CrdWire['spec']).versions[0]!;
    expect(stored.spec.versions[0]!.schema.openAPIV3Schema).toEqual(ours.schema.openAPIV3Schema);
    expect(stored.spec.versions[0]!.additionalPrinterColumns).toEqual(ours.additionalPrinterColumns);
    expect(stored.spec.names).toMatchObject((crd.spec as CrdWire['spec']).names as object);
  });
});
