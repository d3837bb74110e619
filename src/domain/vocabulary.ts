// The contract's vocabulary (domain.md §1, §2, §3, §7, §9, §10, §12) as closed sets of values.
// One list each, `as const`: the API's zod enums and the domain's unions both derive from these.

/** Management models of a tenant (domain.md §1). */
export const MANAGEMENT_MODELS = ['FullyManaged', 'CoManaged', 'SelfCare'] as const;
export type ManagementModel = (typeof MANAGEMENT_MODELS)[number];

/** Management levels of a service unit (domain.md §1, §2). */
export const MANAGEMENT_LEVELS = ['OS', 'Database', 'Middleware', 'Application', 'Kubernetes', 'Containers'] as const;
export type ManagementLevel = (typeof MANAGEMENT_LEVELS)[number];

/** What a service unit manages: one VM (or physical server), one Kubernetes cluster, or a service instance (domain.md §1). */
export const TARGET_KINDS = ['VirtualMachine', 'KubernetesCluster', 'Service'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Families of managed functions, the SLA grouping (domain.md §1). */
export const FUNCTION_FAMILIES = [
  'OS', 'Database', 'Middleware', 'Application', 'Kubernetes', 'Containers', 'Exchange', 'CitrixWorkspace', 'RDS',
  'ActiveDirectory', 'ComputerVision', 'BigData', 'Backup', 'HyperscalerNative', 'SAP', 'LogAsAService',
] as const;
export type FunctionFamily = (typeof FUNCTION_FAMILIES)[number];

/** Environments (domain.md §1). Only Production carries guarantees (domain.md §8). */
export const ENVIRONMENTS = ['Production', 'PreProduction', 'Integration', 'Development'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Support levels, chosen per environment (domain.md §1, §3). Ordered from lowest to highest. */
export const SUPPORT_LEVELS = ['Initial', 'Standard', 'Premium'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

/** Support chains (domain.md §1). */
export const SUPPORT_CHAINS = ['OffShore', 'FullFrance'] as const;
export type SupportChain = (typeof SUPPORT_CHAINS)[number];

/** Incident priorities (domain.md §1). P1 traces an interruption. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Build models of a unit (domain.md §2). */
export const BUILD_MODELS = ['NoBuild', 'BackendBuild', 'OperationsBuild', 'FullBuild'] as const;
export type BuildModel = (typeof BUILD_MODELS)[number];

/** Who owns level-3 support of a unit (domain.md §2). */
export const LEVEL_THREE_OWNERS = ['Provider', 'Client'] as const;
export type LevelThreeOwner = (typeof LEVEL_THREE_OWNERS)[number];

/** Prerequisites the provider validates before guarantees apply (domain.md §8). */
export const PREREQUISITES = ['Connectivity', 'Monitoring', 'Patching', 'Backup', 'RestoreProcedure'] as const;
export type Prerequisite = (typeof PREREQUISITES)[number];

/** How an incident was detected (domain.md §9). */
export const DETECTIONS = ['Monitoring', 'Client'] as const;
export type Detection = (typeof DETECTIONS)[number];

/** Causes of an incident, which decide whether guarantees apply (domain.md §8). */
export const INCIDENT_CAUSES = ['Provider', 'Client', 'Shared', 'IaaS', 'ThirdPartySoftware', 'Unknown'] as const;
export type IncidentCause = (typeof INCIDENT_CAUSES)[number];

/** Change categories (domain.md §7). */
export const CHANGE_CATEGORIES = ['StandardSimple', 'StandardComplex', 'NonStandard'] as const;
export type ChangeCategory = (typeof CHANGE_CATEGORIES)[number];

/** Who initiated a change (domain.md §10). */
export const INITIATORS = ['Client', 'Provider'] as const;
export type Initiator = (typeof INITIATORS)[number];

/** Roles of the client's named contacts (domain.md §3, §10). */
export const CONTACT_ROLES = ['IncidentReporter', 'ChangeRequester', 'ChangeApprover', 'SLAClaimer'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

/** Backup policies of the catalogue (domain.md §12). */
export const BACKUP_POLICIES = ['WEEKLY-1', 'WEEKLY-2', 'MONTHLY-1', 'MONTHLY-3', 'MONTHLY-6', 'MONTHLY-12', 'MONTHLY-36'] as const;
export type BackupPolicy = (typeof BACKUP_POLICIES)[number];

/** What a backup covers: files, or Office 365 (domain.md §12: the catalogue's two columns). */
export const BACKUP_SCOPES = ['Files', 'Office365'] as const;
export type BackupScope = (typeof BACKUP_SCOPES)[number];

/** Purposes of a maintenance window (domain.md §11). */
export const MAINTENANCE_PURPOSES = ['SecurityPatching', 'Maintenance', 'Upgrade'] as const;
export type MaintenancePurpose = (typeof MAINTENANCE_PURPOSES)[number];

/** What a monthly fee of the contract is billed for (terms.ts FeeKind): SYNTEC revises a Fee only (seed §9.3.1). */
export const FEE_KINDS = ['Fee', 'Support', 'Backup'] as const;
