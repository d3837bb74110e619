// managedapps.dev/v1alpha1: the zod schemas (single source of truth), their inferred types, the
// condition vocabulary and the conversions to the domain. Imports only src/domain (lint-enforced).
import { GROUP, VERSION, type KindDefinition } from './common.ts';
import { changeRequestKind } from './change-request.ts';
import { changeCatalogKind } from './change-catalog.ts';
import { incidentKind } from './incident.ts';
import { problemKind } from './problem.ts';
import { maintenanceWindowKind } from './maintenance-window.ts';
import { managedFunctionKind } from './managed-function.ts';
import { managedTenantKind } from './managed-tenant.ts';
import { serviceUnitKind } from './service-unit.ts';
import { slaReportKind } from './sla-report.ts';
import { slaClaimKind } from './sla-claim.ts';
import { supportContractKind } from './support-contract.ts';
import type { KindName } from './to-domain.ts';

export * from './common.ts';
export * from './conditions.ts';
export * from './managed-tenant.ts';
export * from './support-contract.ts';
export * from './service-unit.ts';
export * from './managed-function.ts';
export * from './incident.ts';
export * from './change-request.ts';
export * from './change-catalog.ts';
export * from './change-scope.ts';
export * from './runbook.ts';
export * from './problem.ts';
export * from './approvers.ts';
export * from './maintenance-window.ts';
export * from './sla-report.ts';
export * from './sla-claim.ts';
export * from './records.ts';

/**
 * The registry of the kinds (issue 11): every other table of kinds, in src/ and test/, derives
 * from it (plural, short names, schemas, printer columns are on each KindDefinition).
 */
export const KIND_DEFINITIONS = {
  ManagedTenant: managedTenantKind,
  SupportContract: supportContractKind,
  ServiceUnit: serviceUnitKind,
  ManagedFunction: managedFunctionKind,
  Incident: incidentKind,
  ChangeRequest: changeRequestKind,
  ChangeCatalog: changeCatalogKind,
  Problem: problemKind,
  MaintenanceWindow: maintenanceWindowKind,
  SLAReport: slaReportKind,
  SLAClaim: slaClaimKind,
} as const satisfies Record<KindName, KindDefinition>;

/** Every kind of the group, in the order of design.md §1. */
export const KINDS: readonly KindDefinition[] = Object.values(KIND_DEFINITIONS);

/** How the API names a kind's resources (the runtime's KindRef has this shape). */
export interface ResourceRef { readonly group: string; readonly version: string; readonly plural: string }

/** Each kind's resources, by kind name. */
export const KIND_REFS = Object.fromEntries(
  Object.entries(KIND_DEFINITIONS).map(([name, def]) => [name, { group: GROUP, version: VERSION, plural: def.plural }]),
) as { readonly [K in KindName]: ResourceRef };

export * from './to-domain.ts';
export * from './from-domain.ts';
export * from './probe-targets.ts';
