// managedapps.dev/v1alpha1: the zod schemas (single source of truth), their inferred types, the
// condition vocabulary and the conversions to the domain. Imports only src/domain (lint-enforced).
import type { KindDefinition } from './common.ts';
import { changeRequestKind } from './change-request.ts';
import { incidentKind } from './incident.ts';
import { maintenanceWindowKind } from './maintenance-window.ts';
import { managedFunctionKind } from './managed-function.ts';
import { managedTenantKind } from './managed-tenant.ts';
import { serviceUnitKind } from './service-unit.ts';
import { slaReportKind } from './sla-report.ts';
import { supportContractKind } from './support-contract.ts';

export * from './common.ts';
export * from './conditions.ts';
export * from './managed-tenant.ts';
export * from './support-contract.ts';
export * from './service-unit.ts';
export * from './managed-function.ts';
export * from './incident.ts';
export * from './change-request.ts';
export * from './change-scope.ts';
export * from './maintenance-window.ts';
export * from './sla-report.ts';

/** Every kind of the group, in the order of design.md §1. */
export const KINDS: readonly KindDefinition[] = [
  managedTenantKind,
  supportContractKind,
  serviceUnitKind,
  managedFunctionKind,
  incidentKind,
  changeRequestKind,
  maintenanceWindowKind,
  slaReportKind,
];
export * from './to-domain.ts';
export * from './from-domain.ts';
export * from './probe-targets.ts';
