// `managedapps dev` applies the CRDs and samples with src/cli/apply.ts. It must send objects as
// written: a CRD that lost its `default`s or CEL rules on the way would install and serve, only
// without the validation and defaulting the API promises (client-node's typed serializer drops them).
import { inject, describe, expect, it } from 'vitest';
import { applyObjects } from '../../src/cli/apply.ts';
import { KubeClient } from '../../src/runtime/index.ts';
import { adminKubeConfig, createNamespace, eventually } from '../controlplane/client.ts';
import { namespacedCrd } from '../controlplane/crds.ts';

const group = 'applytest.managedapps.dev';
const crd = namespacedCrd({
  group,
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { size: { type: 'integer', default: 3 }, min: { type: 'integer', default: 0 } },
        'x-kubernetes-validations': [{ rule: 'self.size >= self.min', message: 'spec.size must be at least spec.min' }],
      },
    },
  },
});

describe('applyObjects', () => {
  const kc = adminKubeConfig(inject('controlPlane'));
  const client = new KubeClient(kc);

  it('keeps defaults and CEL rules of a CRD, then applies objects of the new kind', async () => {
    await applyObjects(kc, [crd]);
    const stored = await client.request<typeof crd>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`);
    const spec = stored.spec.versions[0]?.schema.openAPIV3Schema.properties.spec;
    expect(spec?.properties.size.default).toBe(3);
    expect(spec?.['x-kubernetes-validations']).toEqual(crd.spec.versions[0]?.schema.openAPIV3Schema.properties.spec['x-kubernetes-validations']);
    await eventually(async () => {
      const got = await client.request<{ status?: { conditions?: { type: string; status: string }[] } }>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`);
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
    }, { timeoutMs: 30_000 });

    const ns = await createNamespace(kc, 'apply');
    await eventually(async () => {
      try {
        await applyObjects(kc, [{ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns }, spec: { min: 1 } } as never]);
        return true;
      } catch {
        return false; // the new group is not in discovery yet
      }
    }, { timeoutMs: 30_000 });
    const widget = await client.request<{ spec: { size: number } }>('GET', `/apis/${group}/v1/namespaces/${ns}/widgets/w`);
    expect(widget.spec.size).toBe(3);
    await expect(applyObjects(kc, [{ apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'bad', namespace: ns }, spec: { size: 1, min: 2 } } as never]))
      .rejects.toThrow(/apply Widget\/.*\/bad: .*spec.size must be at least spec.min/);
  });

  it('names the object and the kind the server does not serve', async () => {
    await expect(applyObjects(kc, [{ apiVersion: 'nothere.managedapps.dev/v1', kind: 'Nothing', metadata: { name: 'x', namespace: 'default' } }]))
      .rejects.toThrow(/apply Nothing\/default\/x: /);
  });
});
