// The caches the controllers read: one shared informer per kind (the Manager's), the indexes the
// reconcilers need so that no reconcile scans more than its namespace, and typed, memoised
// views of the objects. Reads only: nothing here calls the API server.
//
// Indexes (values are namespaced, `namespace/value`, because an informer spans all namespaces):
//   ServiceUnit   `target`     kind/name of each target          (one level per target)
//   ServiceUnit   `dependsOn`  each unit it depends on
//   Incident      `unit`       each unit it references
//   ChangeRequest `unit`       each unit it references
//   ChangeRequest `incident`   its relatedIncident
//   SLAReport     `contract`   its contractRef
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer, Manager } from '../../runtime/index.ts';
import {
  KIND_REFS, SCHEMAS, SpecParser, type ChangeObj, type ContractObj, type FunctionObj, type IncidentObj, type Parsed, type ReportObj,
  type Stored, type TenantObj, type Typed, type UnitObj, type WindowObj,
} from './kinds.ts';

type Spec = { spec?: Record<string, unknown> };
const nsKey = (obj: KubernetesObject, value: string): string => `${obj.metadata?.namespace ?? ''}/${value}`;
const refs = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap((r) => (typeof (r as { name?: unknown }).name === 'string' ? [(r as { name: string }).name] : [])) : []);

/** The oldest first, then by name: the order every "first one wins" rule uses. */
export function byAge<T extends { createdAt: Date; name: string }>(a: T, b: T): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

class View<S, St> {
  readonly informer: Informer<Stored<St>>;
  readonly #parser: SpecParser<S, St>;

  constructor(informer: Informer<Stored<St>>, parser: SpecParser<S, St>) {
    this.informer = informer;
    this.#parser = parser;
  }

  parse(obj: Stored<St>): Parsed<S, St> {
    return this.#parser.parse(obj);
  }

  /** The object, parsed; undefined when absent. */
  get(namespace: string, name: string): Parsed<S, St> | undefined {
    const obj = this.informer.get(namespace, name);
    return obj === undefined ? undefined : this.#parser.parse(obj);
  }

  /** The valid object, or undefined when absent or invalid. */
  valid(namespace: string, name: string): Typed<S, St> | undefined {
    const p = this.get(namespace, name);
    return p?.ok === true ? p.value : undefined;
  }

  /** Valid objects of the namespace, oldest first. */
  list(namespace: string): Typed<S, St>[] {
    return this.#validOf(this.informer.list(namespace));
  }

  byIndex(index: string, namespace: string, value: string): Typed<S, St>[] {
    return this.#validOf(this.informer.byIndex(index, `${namespace}/${value}`));
  }

  /** Valid objects of every namespace. */
  all(): Typed<S, St>[] {
    return this.#validOf(this.informer.list());
  }

  #validOf(objs: readonly Stored<St>[]): Typed<S, St>[] {
    const out: Typed<S, St>[] = [];
    for (const o of objs) {
      const p = this.#parser.parse(o);
      if (p.ok) out.push(p.value);
    }
    return out.sort(byAge);
  }
}

function view<S, St>(manager: Manager, kind: keyof typeof KIND_REFS, schema: { safeParse: unknown }): View<S, St> {
  return new View<S, St>(manager.informer<Stored<St>>(KIND_REFS[kind]), new SpecParser<S, St>(schema as never));
}

export class Caches {
  readonly tenants: View<TenantObj['spec'], NonNullable<TenantObj['status']>>;
  readonly contracts: View<ContractObj['spec'], NonNullable<ContractObj['status']>>;
  readonly units: View<UnitObj['spec'], NonNullable<UnitObj['status']>>;
  readonly functions: View<FunctionObj['spec'], NonNullable<FunctionObj['status']>>;
  readonly incidents: View<IncidentObj['spec'], NonNullable<IncidentObj['status']>>;
  readonly changes: View<ChangeObj['spec'], NonNullable<ChangeObj['status']>>;
  readonly windows: View<WindowObj['spec'], NonNullable<WindowObj['status']>>;
  readonly reports: View<ReportObj['spec'], NonNullable<ReportObj['status']>>;

  /** Creates the views and declares the indexes on the Manager's shared informers (once per Manager). */
  constructor(manager: Manager) {
    this.tenants = view(manager, 'ManagedTenant', SCHEMAS.ManagedTenant);
    this.contracts = view(manager, 'SupportContract', SCHEMAS.SupportContract);
    this.units = view(manager, 'ServiceUnit', SCHEMAS.ServiceUnit);
    this.functions = view(manager, 'ManagedFunction', SCHEMAS.ManagedFunction);
    this.incidents = view(manager, 'Incident', SCHEMAS.Incident);
    this.changes = view(manager, 'ChangeRequest', SCHEMAS.ChangeRequest);
    this.windows = view(manager, 'MaintenanceWindow', SCHEMAS.MaintenanceWindow);
    this.reports = view(manager, 'SLAReport', SCHEMAS.SLAReport);
    const spec = (o: KubernetesObject): Record<string, unknown> => (o as Spec).spec ?? {};
    this.units.informer.addIndexer('target', (o) => (Array.isArray(spec(o).targets) ? (spec(o).targets as { kind?: unknown; name?: unknown }[]) : [])
      .map((t) => nsKey(o, `${String(t.kind)}/${String(t.name)}`)));
    this.units.informer.addIndexer('dependsOn', (o) => refs(spec(o).dependsOn).map((n) => nsKey(o, n)));
    this.incidents.informer.addIndexer('unit', (o) => refs(spec(o).unitRefs).map((n) => nsKey(o, n)));
    this.changes.informer.addIndexer('unit', (o) => refs(spec(o).unitRefs).map((n) => nsKey(o, n)));
    this.changes.informer.addIndexer('incident', (o) => refs([spec(o).relatedIncident]).map((n) => nsKey(o, n)));
    this.reports.informer.addIndexer('contract', (o) => refs([spec(o).contractRef]).map((n) => nsKey(o, n)));
  }

  /** The tenant of a namespace: the oldest valid ManagedTenant (a second one is refused by condition). */
  tenant(namespace: string): TenantObj | undefined {
    return this.tenants.list(namespace)[0];
  }

  /** The contract of a namespace: the oldest valid SupportContract. */
  contract(namespace: string): ContractObj | undefined {
    return this.contracts.list(namespace)[0];
  }
}
