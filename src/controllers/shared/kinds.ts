// The kinds as the runtime names them (KindRef), and the typed view of a cached object:
// metadata as stored, `spec` parsed by the kind's zod schema (defaults applied), `status` as
// stored. Parsing is memoised per cached object: the informer replaces an object on every
// update, so a WeakMap keyed by the object never serves a stale parse.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { z } from 'zod';
import {
  ChangeCatalogSpec, ChangeRequestSpec, IncidentSpec, MaintenanceWindowSpec, ProblemSpec, type ProblemStatus, ManagedFunctionSpec, ManagedTenantSpec, SLAReportSpec, ServiceUnitSpec,
  SupportContractSpec, KIND_REFS as API_KIND_REFS, type Conversion, type KindName,
  type ChangeCatalogStatus, type ChangeRequestStatus, type IncidentStatus, type MaintenanceWindowStatus, type ManagedFunctionStatus, type ManagedTenantStatus,
  type SLAReportStatus, type ServiceUnitStatus, type SupportContractStatus, SLAClaimSpec, type SLAClaimStatus,
} from '../../api/v1alpha1/index.ts';
import type { KindRef } from '../../runtime/index.ts';

/** The kinds as the runtime names them: the registry's (src/api/v1alpha1). */
export const KIND_REFS: { readonly [K in KindName]: KindRef } = API_KIND_REFS;
export type { KindName };

/** A cached object with its status typed (as stored: written by us, or absent). */
export type Stored<St> = KubernetesObject & { status?: St };

/** A cached object whose spec parsed. */
export interface Typed<S, St> {
  readonly raw: Stored<St>;
  /** What src/api's toDomain() conversions read (they take these views as they take API objects). */
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly creationTimestamp?: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly namespace: string;
  readonly name: string;
  readonly generation: number | undefined;
  /** metadata.creationTimestamp (epoch when absent: sorts first, deterministic). */
  readonly createdAt: Date;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: S;
  readonly status: St | undefined;
}

export type Parsed<S, St> = { readonly ok: true; readonly value: Typed<S, St> } | { readonly ok: false; readonly raw: Stored<St>; readonly error: string };

/** The kind's conversion to the domain (src/api toDomain()): an object that does not convert is invalid. */
export type Check<S, St> = (obj: Typed<S, St>) => Conversion<unknown>;

/**
 * The value of a conversion of a valid cached object. Views only list objects whose conversion
 * succeeded (SpecParser's check), so a failure here is a bug: thrown, the request is retried.
 */
export function converted<T>(conversion: Conversion<T>): T {
  if (conversion.ok) return conversion.value;
  throw new Error(`conversion of a valid object failed: ${conversion.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
}

/** A parser of one kind's cached objects, memoised per object. */
export class SpecParser<S, St> {
  readonly #schema: z.ZodType<S>;
  readonly #check: Check<S, St> | undefined;
  readonly #memo = new WeakMap<object, Parsed<S, St>>();

  constructor(schema: z.ZodType<S>, check?: Check<S, St>) {
    this.#schema = schema;
    this.#check = check;
  }

  parse(obj: Stored<St>): Parsed<S, St> {
    const known = this.#memo.get(obj);
    if (known !== undefined) return known;
    const result = this.#schema.safeParse((obj as { spec?: unknown }).spec);
    const meta = obj.metadata;
    let parsed: Parsed<S, St>;
    if (result.success) {
      const created = meta?.creationTimestamp as Date | string | undefined;
      const creationTimestamp = created === undefined ? undefined : typeof created === 'string' ? created : created.toISOString();
      const name = meta?.name ?? '';
      const namespace = meta?.namespace ?? '';
      const labels = meta?.labels ?? {};
      const value: Typed<S, St> = {
        raw: obj,
        metadata: { name, namespace, labels, ...(creationTimestamp !== undefined ? { creationTimestamp } : {}), ...(meta?.annotations !== undefined ? { annotations: meta.annotations } : {}) },
        namespace,
        name,
        generation: meta?.generation,
        createdAt: new Date(creationTimestamp ?? 0),
        labels,
        spec: result.data,
        status: obj.status,
      };
      const checked = this.#check?.(value);
      parsed = checked === undefined || checked.ok
        ? { ok: true, value }
        : { ok: false, raw: obj, error: checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ') };
    } else {
      parsed = { ok: false, raw: obj, error: result.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ') };
    }
    this.#memo.set(obj, parsed);
    return parsed;
  }
}

export type TenantObj = Typed<z.infer<typeof ManagedTenantSpec>, ManagedTenantStatus>;
export type ContractObj = Typed<z.infer<typeof SupportContractSpec>, SupportContractStatus>;
export type UnitObj = Typed<z.infer<typeof ServiceUnitSpec>, ServiceUnitStatus>;
export type FunctionObj = Typed<z.infer<typeof ManagedFunctionSpec>, ManagedFunctionStatus>;
export type IncidentObj = Typed<z.infer<typeof IncidentSpec>, IncidentStatus>;
export type ChangeObj = Typed<z.infer<typeof ChangeRequestSpec>, ChangeRequestStatus>;
export type ProblemObj = Typed<z.infer<typeof ProblemSpec>, ProblemStatus>;
export type CatalogObj = Typed<z.infer<typeof ChangeCatalogSpec>, ChangeCatalogStatus>;
export type WindowObj = Typed<z.infer<typeof MaintenanceWindowSpec>, MaintenanceWindowStatus>;
export type ReportObj = Typed<z.infer<typeof SLAReportSpec>, SLAReportStatus>;
export type ClaimObj = Typed<z.infer<typeof SLAClaimSpec>, SLAClaimStatus>;

/** The spec schema of each kind: what the controllers' typed views parse. */
export const SPEC_SCHEMAS = {
  ManagedTenant: ManagedTenantSpec,
  SupportContract: SupportContractSpec,
  ServiceUnit: ServiceUnitSpec,
  ManagedFunction: ManagedFunctionSpec,
  Incident: IncidentSpec,
  ChangeRequest: ChangeRequestSpec,
  ChangeCatalog: ChangeCatalogSpec,
  Problem: ProblemSpec,
  MaintenanceWindow: MaintenanceWindowSpec,
  SLAReport: SLAReportSpec,
  SLAClaim: SLAClaimSpec,
} as const;
