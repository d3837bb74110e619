// The caches the controllers read: one shared informer per kind (the Manager's), the indexes the
// reconcilers need so that no reconcile scans more than its namespace, and typed, memoised
// views of the objects. Reads only: nothing here calls the API server.
//
// Indexes (values are namespaced, `namespace/value`, because an informer spans all namespaces):
//   ServiceUnit   `target`     targetKey of each target          (one level per target, case-insensitive)
//   ServiceUnit   `dependsOn`  each unit it depends on
//   Incident      `unit`       each unit it references
//   ChangeRequest `unit`       each unit it references
//   ChangeRequest `incident`   its relatedIncident
//   SLAReport     `contract`   its contractRef
//   Problem       `incident`   each incident it links
//   SLAClaim      `contract`   its contractRef
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  calendarToDomain, catalogToDomain, changeToDomain, claimToDomain, contractToDomain, functionToDomain, incidentToDomain, problemToDomain, scheduleToDomain, unitToDomain,
} from '../../api/v1alpha1/index.ts';
import type { BusinessCalendar } from '../../domain/index.ts';
import type { Informer, Manager } from '../../runtime/index.ts';
import {
  KIND_REFS, SPEC_SCHEMAS, SpecParser, converted, type CatalogObj, type Check, type ChangeObj, type ClaimObj, type ContractObj, type FunctionObj, type IncidentObj, type Parsed, type ProblemObj, type ReportObj,
  type Stored, type TenantObj, type Typed, type UnitObj, type WindowObj,
} from './kinds.ts';

type Spec = { spec?: Record<string, unknown> };
const nsKey = (obj: KubernetesObject, value: string): string => `${obj.metadata?.namespace ?? ''}/${value}`;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The names of a reference or a list of references (`{ name }`), as stored: total, because index
 * functions and watch maps run on every cached object, valid or not (an absent optional reference,
 * a `null`, a string are simply no reference).
 */
export const refNames = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).flatMap((r) => (isRecord(r) && typeof r.name === 'string' ? [r.name] : []));

/** The domain's targetKey (`kind/name`, the name lower-cased: case-insensitive) of each well-formed target of a unit, as stored. */
export const targetKeys = (v: unknown): string[] =>
  (Array.isArray(v) ? v : []).flatMap((t) => (isRecord(t) && typeof t.kind === 'string' && typeof t.name === 'string' ? [`${t.kind}/${t.name.toLowerCase()}`] : []));

const spec = (o: KubernetesObject): Record<string, unknown> => { const s = (o as Spec).spec; return isRecord(s) ? s : {}; };

/**
 * The index functions of the table above. They run on every cached object, valid or not, so they
 * are total: a missing or malformed field indexes nothing (the reconciler reports the invalid spec).
 */
export const INDEXES = {
  target: (o: KubernetesObject): string[] => targetKeys(spec(o).targets).map((t) => nsKey(o, t)),
  dependsOn: (o: KubernetesObject): string[] => refNames(spec(o).dependsOn).map((n) => nsKey(o, n)),
  unitRefs: (o: KubernetesObject): string[] => refNames(spec(o).unitRefs).map((n) => nsKey(o, n)),
  relatedIncident: (o: KubernetesObject): string[] => refNames(spec(o).relatedIncident).map((n) => nsKey(o, n)),
  contractRef: (o: KubernetesObject): string[] => refNames(spec(o).contractRef).map((n) => nsKey(o, n)),
  incidentRefs: (o: KubernetesObject): string[] => refNames(spec(o).incidentRefs).map((n) => nsKey(o, n)),
  /** An incident's declined patch campaign (seed §9.10): a change of it moves the incident's guarantees. */
  declinedPatchRef: (o: KubernetesObject): string[] => refNames(spec(o).declinedPatchRef).map((n) => nsKey(o, n)),
} as const;

/** The names of `refs` no ServiceUnit of the namespace has (absent, not merely invalid: GitOps has not applied it yet). */
export function missingUnits(caches: Caches, namespace: string, refs: readonly { name: string }[]): string[] {
  return refs.map((r) => r.name).filter((n) => caches.units.informer.get(namespace, n) === undefined);
}

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

function view<S, St>(manager: Manager, kind: keyof typeof KIND_REFS, schema: { safeParse: unknown }, check?: Check<S, St>): View<S, St> {
  return new View<S, St>(manager.informer<Stored<St>>(KIND_REFS[kind]), new SpecParser<S, St>(schema as never, check));
}

export class Caches {
  readonly tenants: View<TenantObj['spec'], NonNullable<TenantObj['status']>>;
  readonly contracts: View<ContractObj['spec'], NonNullable<ContractObj['status']>>;
  readonly units: View<UnitObj['spec'], NonNullable<UnitObj['status']>>;
  readonly functions: View<FunctionObj['spec'], NonNullable<FunctionObj['status']>>;
  readonly incidents: View<IncidentObj['spec'], NonNullable<IncidentObj['status']>>;
  readonly changes: View<ChangeObj['spec'], NonNullable<ChangeObj['status']>>;
  readonly problems: View<ProblemObj['spec'], NonNullable<ProblemObj['status']>>;
  readonly windows: View<WindowObj['spec'], NonNullable<WindowObj['status']>>;
  readonly reports: View<ReportObj['spec'], NonNullable<ReportObj['status']>>;
  readonly catalogs: View<CatalogObj['spec'], NonNullable<CatalogObj['status']>>;
  readonly claims: View<ClaimObj['spec'], NonNullable<ClaimObj['status']>>;

  /** Creates the views and declares the indexes on the Manager's shared informers (once per Manager). */
  constructor(manager: Manager) {
    // An object is valid when its spec parses and converts (src/api toDomain(), as the webhook
    // checks it): the reconcilers then convert valid objects without a failure to handle.
    this.tenants = view(manager, 'ManagedTenant', SPEC_SCHEMAS.ManagedTenant, calendarToDomain);
    this.contracts = view(manager, 'SupportContract', SPEC_SCHEMAS.SupportContract, contractToDomain);
    this.units = view(manager, 'ServiceUnit', SPEC_SCHEMAS.ServiceUnit, (u) => unitToDomain(u));
    this.functions = view(manager, 'ManagedFunction', SPEC_SCHEMAS.ManagedFunction, (f) => functionToDomain(f, []));
    this.incidents = view(manager, 'Incident', SPEC_SCHEMAS.Incident, incidentToDomain);
    this.changes = view(manager, 'ChangeRequest', SPEC_SCHEMAS.ChangeRequest, changeToDomain);
    this.problems = view(manager, 'Problem', SPEC_SCHEMAS.Problem, (p) => problemToDomain(p, p.namespace));
    this.windows = view(manager, 'MaintenanceWindow', SPEC_SCHEMAS.MaintenanceWindow, scheduleToDomain);
    this.reports = view(manager, 'SLAReport', SPEC_SCHEMAS.SLAReport);
    this.catalogs = view(manager, 'ChangeCatalog', SPEC_SCHEMAS.ChangeCatalog, catalogToDomain);
    this.claims = view(manager, 'SLAClaim', SPEC_SCHEMAS.SLAClaim, claimToDomain);
    this.units.informer.addIndexer('target', INDEXES.target);
    this.units.informer.addIndexer('dependsOn', INDEXES.dependsOn);
    this.incidents.informer.addIndexer('unit', INDEXES.unitRefs);
    this.incidents.informer.addIndexer('declinedPatch', INDEXES.declinedPatchRef);
    this.changes.informer.addIndexer('unit', INDEXES.unitRefs);
    this.changes.informer.addIndexer('incident', INDEXES.relatedIncident);
    this.reports.informer.addIndexer('contract', INDEXES.contractRef);
    this.problems.informer.addIndexer('incident', INDEXES.incidentRefs);
    this.claims.informer.addIndexer('contract', INDEXES.contractRef);
  }

  /** The tenant of a namespace: the oldest valid ManagedTenant (a second one is refused by condition). */
  tenant(namespace: string): TenantObj | undefined {
    return this.tenants.list(namespace)[0];
  }

  /** The business calendar of a namespace: its tenant's, the default without one (domain.md §4). */
  calendar(namespace: string): BusinessCalendar {
    return converted(calendarToDomain(this.tenant(namespace)));
  }

  /** The change catalogue of a namespace (issue 14 item 5): the oldest valid ChangeCatalog (a second one is refused by condition). */
  catalog(namespace: string): CatalogObj | undefined {
    return this.catalogs.list(namespace)[0];
  }

  /** The contract of a namespace: the oldest valid SupportContract. */
  contract(namespace: string): ContractObj | undefined {
    return this.contracts.list(namespace)[0];
  }
}
