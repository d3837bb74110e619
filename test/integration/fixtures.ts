// Fixtures of the controller tests (style.md item 13): the samples of config/samples re-homed into
// a fresh namespace, and builders with modifiers for crafted cases, e.g.
//   serviceUnit('db-1', withLevel('Database'), inEnvironment('Production'), onVm('vm-db1')).
// Objects are plain manifests; `createAll` sends them to the real API server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';

import { GROUP, KINDS, VERSION } from '../../src/api/v1alpha1/index.ts';

export { GROUP, VERSION };
const API_VERSION = `${GROUP}/${VERSION}`;

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec: Record<string, unknown> };
export type Modifier = (m: Manifest) => void;

/** Each kind's plural, from the registry (src/api/v1alpha1). */
export const PLURALS: Record<string, string> = Object.fromEntries(KINDS.map((k) => [k.kind, k.plural]));

const samplesDir = join(import.meta.dirname, '..', '..', 'config', 'samples');

/** The objects of config/samples (the Namespace left out), in the kustomization's order, without namespace. */
export function samples(): Manifest[] {
  const files = (parse(readFileSync(join(samplesDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
  return files
    .flatMap((f) => parseAllDocuments(readFileSync(join(samplesDir, f), 'utf8')).map((d) => d.toJS() as Manifest))
    .filter((o) => o.apiVersion === API_VERSION)
    .map((o) => { const { namespace: _ns, ...metadata } = o.metadata; return { ...o, metadata }; });
}

export async function createAll(kc: KubeConfig, namespace: string, objects: readonly Manifest[]): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  for (const o of objects) {
    const plural = PLURALS[o.kind];
    if (plural === undefined) throw new Error(`no plural for ${o.kind}`);
    await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, body: { ...o, metadata: { ...o.metadata, namespace } } });
  }
}

function build(kind: string, name: string, spec: Record<string, unknown>, mods: readonly Modifier[]): Manifest {
  const m: Manifest = { apiVersion: API_VERSION, kind, metadata: { name }, spec };
  for (const mod of mods) mod(m);
  return m;
}

// ---- builders ----------------------------------------------------------------------------------

export const tenant = (name: string, ...mods: Modifier[]): Manifest => build('ManagedTenant', name, {
  managementModel: 'FullyManaged',
  iaas: { provider: 'OutscaleCloud' },
  contacts: [{ name: 'alice', email: 'alice@client.example', users: ['alice'], roles: ['IncidentReporter', 'ChangeRequester', 'ChangeApprover'] }],
  serviceDeliveryManager: { fullName: 'Sam Delivery', email: 'sdm@provider.example' },
  contractBusinessManager: { fullName: 'Cam Business', email: 'cbm@provider.example' },
}, mods);

export const contract = (name: string, ...mods: Modifier[]): Manifest => build('SupportContract', name, {
  start: '2026-01-01',
  commitmentMonths: 12,
  supportChain: 'FullFrance',
  supportLevels: [{ environment: 'Production', level: 'Premium' }],
  subscribedLevels: ['OS', 'Database', 'Middleware', 'Application', 'Kubernetes', 'Containers'],
  prices: { currency: 'EUR', tokenPrice: 100 },
  monthlyTokens: 10,
}, mods);

export const serviceUnit = (name: string, ...mods: Modifier[]): Manifest => build('ServiceUnit', name, {
  level: 'OS',
  targets: [{ kind: 'VirtualMachine', name: `vm-${name}` }],
  environment: 'Production',
  prerequisites: { validated: ['Connectivity', 'Monitoring', 'Patching', 'Backup', 'RestoreProcedure'] },
}, mods);

export const managedFunction = (name: string, family: string, ...mods: Modifier[]): Manifest => build('ManagedFunction', name, { family, monthlyCharge: 1000 }, mods);

export const incident = (name: string, unit: string, ...mods: Modifier[]): Manifest => build('Incident', name, {
  unitRefs: [{ name: unit }], priority: 'P1', summary: `incident ${name}`, openedAt: '2026-11-02T10:00:00Z', cause: 'Provider',
}, mods);

export const changeRequest = (name: string, unit: string, ...mods: Modifier[]): Manifest => build('ChangeRequest', name, {
  unitRefs: [{ name: unit }], category: 'StandardSimple', catalogItem: 'os.user.create', summary: `change ${name}`, tokens: 1, requestedAt: '2026-11-02T10:00:00Z',
}, mods);

// ---- modifiers ---------------------------------------------------------------------------------

export const withSpec = (patch: Record<string, unknown>): Modifier => (m) => { Object.assign(m.spec, patch); };
export const withLabels = (labels: Record<string, string>): Modifier => (m) => { m.metadata.labels = { ...m.metadata.labels, ...labels }; };
export const withLevel = (level: string): Modifier => withSpec({ level });
export const onVm = (...vms: string[]): Modifier => withSpec({ targets: vms.map((name) => ({ kind: 'VirtualMachine', name })) });
export const inEnvironment = (environment: string): Modifier => withSpec({ environment });
export const subscribing = (...levels: string[]): Modifier => withSpec({ subscribedLevels: levels });
export const supportLevel = (environment: string, level: string): Modifier => withSpec({ supportLevels: [{ environment, level }] });
export const priority = (p: string): Modifier => withSpec({ priority: p });
export const openedAt = (t: string): Modifier => withSpec({ openedAt: t });
export const resolvedAt = (t: string): Modifier => withSpec({ resolvedAt: t });
export const requestedAt = (t: string): Modifier => withSpec({ requestedAt: t });
export const completedAt = (t: string): Modifier => withSpec({ completedAt: t });
export const accelerated = (): Modifier => withSpec({ accelerated: true });
