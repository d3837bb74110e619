// The typed views of the cache the automation reads (issue 11 item 4): the SAME views the
// controllers read, built once by the composition root (src/controllers' `Caches`, a SpecParser
// memoised per cached object) and injected here, so a ServiceUnit's `spec.monitoring` and a
// MaintenanceWindow's spec are parsed once per object version, with the schema's defaults, and
// never cast. Declared structurally: src/monitoring does not import src/controllers (lint).
import type { KubernetesObject } from '@kubernetes/client-node';
import type {
  IncidentSpec, IncidentStatus, MaintenanceWindowSpec, MaintenanceWindowStatus, ServiceUnitSpec, ServiceUnitStatus,
} from '../api/v1alpha1/index.ts';

/** A cached object with its status typed as stored. */
export type StoredObject<St> = KubernetesObject & { status?: St };

/** A cached object whose spec parsed (and converted to the domain). */
export interface TypedObject<S, St> {
  readonly raw: StoredObject<St>;
  /** What src/api's toDomain() conversions read. */
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>>; readonly creationTimestamp?: string };
  readonly namespace: string;
  readonly name: string;
  readonly generation: number | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: S;
  readonly status: St | undefined;
}

/** A cached object, parsed: the typed view, or why its spec is invalid (the raw object kept). */
export type ParsedObject<S, St> = { readonly ok: true; readonly value: TypedObject<S, St> } | { readonly ok: false; readonly raw: StoredObject<St>; readonly error: string };

export interface TypedView<S, St> {
  parse(obj: StoredObject<St>): ParsedObject<S, St>;
  /** The object, parsed; undefined when absent. */
  get(namespace: string, name: string): ParsedObject<S, St> | undefined;
  /** Valid objects of the namespace. */
  list(namespace: string): TypedObject<S, St>[];
  /** Valid objects of every namespace. */
  all(): TypedObject<S, St>[];
}

export type UnitView = TypedObject<ServiceUnitSpec, ServiceUnitStatus>;
export type ParsedUnit = ParsedObject<ServiceUnitSpec, ServiceUnitStatus>;
export type IncidentView = TypedObject<IncidentSpec, IncidentStatus>;
export type WindowView = TypedObject<MaintenanceWindowSpec, MaintenanceWindowStatus>;

/** The three views the automation reads. */
export interface ProbeViews {
  readonly units: TypedView<ServiceUnitSpec, ServiceUnitStatus>;
  readonly incidents: TypedView<IncidentSpec, IncidentStatus>;
  readonly windows: TypedView<MaintenanceWindowSpec, MaintenanceWindowStatus>;
}
