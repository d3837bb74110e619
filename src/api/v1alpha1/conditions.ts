// Condition types and reasons of managedapps.dev/v1alpha1, beside the API types (style.md §6).
// Every kind carries `Ready`, `Reconciling` and `Stalled` (kstatus: the last two abnormal-true, at
// most one of the three True); the other types say which fact of the contract the controller
// observed. Reasons are CamelCase and stable:
// dashboards, alerts and GitOps health checks match on them.

export const ConditionType = {
  /** Summary of the object's health: True when reconciled and every other condition is good. */
  Ready: 'Ready',
  /** kstatus (abnormal-true): True while the controller waits on something expected to come by itself (a reference GitOps has not applied yet). */
  Reconciling: 'Reconciling',
  /** kstatus (abnormal-true): True when the object cannot progress without a human (invalid spec, a rule violated, an internal error retried). */
  Stalled: 'Stalled',
  /** ServiceUnit: the last probes succeeded (successThreshold) and no P1 incident is open. */
  Available: 'Available',
  /** ServiceUnit, MaintenanceWindow: an excluding maintenance window is active right now. */
  InMaintenance: 'InMaintenance',
  /** ServiceUnit: its latest successful backup is within the policy's period plus the tolerance (domain/backup.ts; written by the backup check). */
  BackupOnSchedule: 'BackupOnSchedule',
  /** ServiceUnit: one of its targets is claimed by another unit (one level per target). */
  LevelConflict: 'LevelConflict',
  /** ServiceUnit: the tenant subscribes the levels this one depends on (Database ⇒ OS, ...). */
  PrerequisitesMet: 'PrerequisitesMet',
  /** ServiceUnit: every unit of `dependsOn` exists and is managed. */
  DependenciesReady: 'DependenciesReady',
  /** ServiceUnit: the unit carries GTD, GTR and GTC (managed, not SelfCare, production, prerequisites validated); informational, Ready does not wait on it. */
  GuaranteesApply: 'GuaranteesApply',
  /** ManagedFunction: month-to-date availability is at or above the guarantee. */
  SLAMet: 'SLAMet',
  /** ManagedFunction: less than 25 % of the month's error budget is left. */
  AtRisk: 'AtRisk',
  /** Incident, ChangeRequest: restored (completed) within the guaranteed time, or still on time. */
  WithinGuarantee: 'WithinGuarantee',
  /** ChangeRequest with spec.release: within its month's release quota of its support level (seed Table 1). */
  WithinReleaseQuota: 'WithinReleaseQuota',
  /** ChangeRequest with spec.runbook: where its Job stands (issue 14 item 3): waiting for its gate or slot, running, succeeded, failed (and rolled back). */
  RunbookSucceeded: 'RunbookSucceeded',
  /** SLAReport: every managed function met its availability guarantee (GTD). */
  GTDMet: 'GTDMet',
  /** SLAReport: the deviation of restoration times is within 5 % (GTR). */
  GTRMet: 'GTRMet',
  /** SLAReport: every change was completed within its guaranteed time (GTC). */
  GTCMet: 'GTCMet',
  /**
   * SLAReport: every incident and change of the month was counted. False names each one the
   * report could not count (a unit it references does not exist: not applied yet, or deleted).
   */
  Complete: 'Complete',
  /** SLAReport: the month is closed; the report no longer changes. */
  Final: 'Final',
  /** SLAReport: the monthly statement had every earlier statement it reads (the previous month's carried credits, a run year's statements); False names the missing ones, counted 0. */
  StatementComplete: 'StatementComplete',
  /** ChangeRequest: the client approved a provider-initiated change (or none was needed). */
  Approved: 'Approved',
  /** Every kind: the cross-object rules hold (named contact with the right role, quota, ...). */
  Valid: 'Valid',
  /** SupportContract: the token pack of the month is not exhausted. */
  TokensAvailable: 'TokensAvailable',
  /** MaintenanceWindow: an agreed occurrence (approved, or needing no approval, domain.md §11) is running now. */
  Active: 'Active',
  /** Incident: it recurs (N incidents on its unit or function within M days, seed §5.4) and no Problem links it yet: open one. */
  ProblemProposed: 'ProblemProposed',
  /** Incident: a P1 touching several units or a whole managed function (seed §5.3.2, major incident management). */
  Major: 'Major',
  /** Problem: spec.closedAt passed. */
  Closed: 'Closed',
  /** Incident with spec.declinedPatchRef: the change it names is a patch campaign the client declined before it opened (seed §9.10): client-caused, GTD and GTR do not apply. */
  DeclinedPatch: 'DeclinedPatch',
  /** SLAClaim: the provider answered (spec.answer). */
  Answered: 'Answered',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export const ConditionReason = {
  /** The controller observed the object and everything holds. */
  Reconciled: 'Reconciled',
  /** The controller has not computed this condition yet. */
  Pending: 'Pending',
  /** An unexpected error kept the controller from deciding; it retries. */
  InternalError: 'InternalError',
  /** The spec cannot be converted to the domain's inputs (see the message for the field). */
  InvalidSpec: 'InvalidSpec',
  /** Ready, Stalled: the API server refused the status computed (422, e.g. a list beyond its maxItems); the message is its answer, and only this minimal status is written. */
  StatusRejected: 'StatusRejected',
  /** A referenced object does not exist (yet: GitOps applies in any order). */
  ReferenceNotFound: 'ReferenceNotFound',
  /** Reconciling, Stalled: the controller caught up with the generation and waits on nothing. */
  Settled: 'Settled',
  /** Stalled: not stalled, the controller waits on something expected to come (see Reconciling). */
  Waiting: 'Waiting',

  /** Available: the probe succeeds. */
  ProbeSucceeded: 'ProbeSucceeded',
  /** Available: the probe failed failureThreshold times in a row. */
  ProbeFailed: 'ProbeFailed',
  /** Available: no probe is configured or none has run yet. */
  NotProbed: 'NotProbed',
  /** BackupOnSchedule: the latest success is within the policy's period plus the tolerance. */
  BackupSucceeded: 'BackupSucceeded',
  /** BackupOnSchedule: no success within the policy's period plus the tolerance: an incident is open. */
  BackupMissed: 'BackupMissed',
  /** BackupOnSchedule: the check could not decide (the query failed or answered no timestamp), or has not run yet. */
  BackupNotObserved: 'BackupNotObserved',
  /** InMaintenance: inside a window that excludes the unit from availability. */
  MaintenanceWindowActive: 'MaintenanceWindowActive',
  /** InMaintenance: outside every window. */
  NoActiveWindow: 'NoActiveWindow',
  /** LevelConflict: another unit already manages one of the targets. */
  TargetClaimed: 'TargetClaimed',
  /** LevelConflict: no other unit claims the targets. */
  NoConflict: 'NoConflict',
  /** PrerequisitesMet: a level this one requires is not subscribed by the contract. */
  LevelNotSubscribed: 'LevelNotSubscribed',
  /** DependenciesReady: a unit of dependsOn is missing. */
  DependencyMissing: 'DependencyMissing',
  /** DependenciesReady: the unit depends on itself, directly or through other units. */
  DependencyCycle: 'DependencyCycle',
  /** DependenciesReady: a unit of dependsOn exists but is not managed (NoBuild). */
  DependencyNotManaged: 'DependencyNotManaged',
  /** PrerequisitesMet: the tenant's Active Directory is not on at least 2 VMs, one forest and one domain (domain.md §2). */
  ActiveDirectoryRules: 'ActiveDirectoryRules',
  /** GuaranteesApply: the unit is NoBuild, not managed (seed §4.1). */
  NotManaged: 'NotManaged',
  /** GuaranteesApply: the tenant is SelfCare, advice only. */
  AdviceOnly: 'AdviceOnly',
  /** GuaranteesApply: not every prerequisite is validated (domain.md §8). */
  PrerequisitesNotValidated: 'PrerequisitesNotValidated',
  /** GuaranteesApply: a non-production unit: times kept, without penalties (domain.md §8). */
  NonProduction: 'NonProduction',

  /** SLAMet / GTDMet: measured availability is at or above the guarantee. */
  GuaranteeMet: 'GuaranteeMet',
  /** SLAMet / GTDMet: measured availability is strictly below the guarantee. */
  GuaranteeMissed: 'GuaranteeMissed',
  /** AtRisk: the error budget left is below the threshold. */
  ErrorBudgetLow: 'ErrorBudgetLow',
  /** No guarantee applies (non-production, Initial level "no SLA", prerequisites not validated...). */
  NotApplicable: 'NotApplicable',

  /** WithinGuarantee: still open and before its deadline. */
  OnTime: 'OnTime',
  /** WithinGuarantee: resolved or completed before its deadline. */
  CompletedOnTime: 'CompletedOnTime',
  /** WithinGuarantee: the deadline passed before restoration or completion. */
  DeadlineMissed: 'DeadlineMissed',
  /** GTDMet (SLAReport, from the domain's report): every function at or above its guarantee. */
  GuaranteesMet: 'GuaranteesMet',
  /** GTRMet: the month's deviation is within the 5 % tolerance (domain.md §6). */
  WithinGuarantee: 'WithinGuarantee',
  /** GTRMet: the month's deviation is above the 5 % tolerance. */
  DeviationAboveThreshold: 'DeviationAboveThreshold',
  /** GTCMet: every change was completed within its deadline. */
  AllChangesOnTime: 'AllChangesOnTime',
  /** GTCMet: at least one change was completed late. */
  LateChanges: 'LateChanges',

  /** Final: the month is closed and the report frozen. */
  MonthClosed: 'MonthClosed',
  /** Final: the month is still running, or ended less than 24 h before (or the report was created less than 24 h ago): design.md §3. */
  MonthOpen: 'MonthOpen',
  /** Final: the month is closed, but its report is sealed after the previous month's (design.md §3 "Seals"), which is not final and sealed yet, or does not exist. */
  PreviousMonthOpen: 'PreviousMonthOpen',
  /** StatementComplete: an earlier month's report, or its statement, does not exist (design.md §3 "The monthly statement"): counted 0, never guessed. */
  PreviousStatementMissing: 'PreviousStatementMissing',
  /** Final: the month is closed, but Prometheus could not be read for the pack's capacity section; retried until CAPACITY_RETRY_MS after the report was due, then sealed without it (design.md §3 "The monthly pack"). */
  CapacityPending: 'CapacityPending',

  /** Approved: the client approved the change. */
  ClientApproved: 'ClientApproved',
  /** Approved: waiting for the client's approval. Active (MaintenanceWindow): the running occurrence awaits the client's approval (domain.md §11). */
  AwaitingApproval: 'AwaitingApproval',
  /** Approved: a change to resolve a P1 is notified afterwards (domain.md §10). */
  P1Exception: 'P1Exception',
  /** Approved: client-initiated changes need no approval. */
  NotRequired: 'NotRequired',
  /** Approved: the client rejected the provider's change. */
  ClientRejected: 'ClientRejected',
  /** Approved: the scope changed after the client's decision, which no longer binds (spec.approval.scopeDigest). */
  ApprovalVoided: 'ApprovalVoided',

  /** AtRisk (Incident): 75 % of the guaranteed restoration time is spent and the service is not restored. */
  DeadlineAtRisk: 'DeadlineAtRisk',
  /** AtRisk (Incident): restored, or more than 25 % of the time is left, or no deadline. */
  NotAtRisk: 'NotAtRisk',
  /** AtRisk (SLAClaim): 75 % of the provider's 30 days to answer are spent and it has not answered (seed §8.2). */
  AnswerAtRisk: 'AnswerAtRisk',
  /** Answered (SLAClaim): not answered yet, the answer deadline ahead. */
  AwaitingAnswer: 'AwaitingAnswer',
  /** Answered (SLAClaim): not answered, the answer deadline passed. */
  AnswerOverdue: 'AnswerOverdue',
  /** Answered (SLAClaim): the provider answered (Accepted, PartlyAccepted or Rejected: the message says which and the amount granted). */
  ClaimAnswered: 'ClaimAnswered',
  /** Valid (SLAClaim): its month, its tickets or its answer break a rule of domain.md §8 (the message names the field). */
  ClaimInvalid: 'ClaimInvalid',

  /** Valid: the yearly quota of accelerated changes is used up. */
  QuotaExceeded: 'QuotaExceeded',
  /** Valid (ChangeRequest): a restore (catalogItem backup-restore) names a unit without a backup policy, or is not a client's standard change (seed §5.10). */
  RestoreInvalid: 'RestoreInvalid',
  /** WithinReleaseQuota: the release is within its month's quota: included, 0 tokens (seed Table 1). */
  ReleaseIncluded: 'ReleaseIncluded',
  /** WithinReleaseQuota: the release is over its month's quota: billed as a change (seed §5.5). */
  ReleaseQuotaExceeded: 'ReleaseQuotaExceeded',
  /** Valid (ChangeRequest): a release (spec.release) names a unit that is not at level Application (seed Table 1). */
  ReleaseInvalid: 'ReleaseInvalid',
  /** Valid (ChangeRequest): a patch campaign (spec.patch) names a unit that is not at level OS, Database or Middleware, or is not the provider's (seed §5.9.2). */
  PatchInvalid: 'PatchInvalid',
  /** DeclinedPatch: the change named is a patch campaign the client declined before the incident opened (seed §9.10). */
  ClientDeclinedPatch: 'ClientDeclinedPatch',
  /** DeclinedPatch (False): the change named is not a patch campaign the client declined before the incident opened; the guarantees apply as for its cause alone. */
  NotDeclinedPatch: 'NotDeclinedPatch',
  // RunbookSucceeded (ChangeRequest with spec.runbook, issue 14 item 3; domain/runbook.ts).
  /** RunbookSucceeded (Unknown): waiting for the gate (approval, validation) or the slot (window occurrence, business hours): the Job is not created yet. */
  RunbookWaiting: 'RunbookWaiting',
  /** RunbookSucceeded (Unknown): the Job is created and has not finished. */
  RunbookRunning: 'RunbookRunning',
  /** RunbookSucceeded (True): the Job succeeded; its completion time is the change's spec.completedAt. */
  RunbookCompleted: 'RunbookCompleted',
  /** RunbookSucceeded (False): the Job failed (its message); the change's phase is Failed. */
  RunbookFailed: 'RunbookFailed',
  /** RunbookSucceeded (False): the Job failed and the rollback Job succeeded. */
  RolledBack: 'RolledBack',
  /** RunbookSucceeded (False): the Job failed and so did the rollback Job. */
  RollbackFailed: 'RollbackFailed',
  /** RunbookSucceeded (False): a Job of the runbook's name exists that this ChangeRequest does not own: nothing is created over it. */
  RunbookConflict: 'RunbookConflict',
  /** RunbookSucceeded (False): the API server refused the Job (an invalid JobSpec: its message); not retried until the spec changes. */
  RunbookRejected: 'RunbookRejected',
  /** RunbookSucceeded (Unknown): the change was completed by hand (spec.completedAt) before its Job was created: it never runs. */
  CompletedWithoutRunbook: 'CompletedWithoutRunbook',
  /** Valid: a support level was lowered during its commitment. */
  LevelLowered: 'LevelLowered',
  /** Valid (ManagedTenant): another ManagedTenant, older, already is the tenant of this namespace. */
  DuplicateTenant: 'DuplicateTenant',
  /** Valid (ManagedTenant): a contact is invalid (a Kubernetes user acting as two contacts, too many phones). */
  InvalidContacts: 'InvalidContacts',
  /** Valid (ManagedTenant): a Premium environment requires an SDM and a CBM (domain.md §3). */
  ManagersRequired: 'ManagersRequired',
  /** Valid (ManagedTenant): all environments Standard, so no SDM or CBM is available (domain.md §3). */
  ManagersNotAvailable: 'ManagersNotAvailable',
  /** TokensAvailable: the month's token pack is used up; extra tokens are billed. */
  TokenPackExhausted: 'TokenPackExhausted',

  /** ProblemProposed: N incidents on one unit or function within M days, none linked to a Problem for this one (seed §5.4). */
  RecurringIncidents: 'RecurringIncidents',
  /** ProblemProposed (False): a Problem links the incident. */
  ProblemLinked: 'ProblemLinked',
  /** ProblemProposed (False): the incident does not recur. */
  NotRecurring: 'NotRecurring',
  /** Major: a P1 on several service units. */
  SeveralUnits: 'SeveralUnits',
  /** Major: a P1 on every unit of a managed function. */
  WholeFunction: 'WholeFunction',
  /** Major (False): not a P1, or on one unit of a function that has others. */
  NotMajor: 'NotMajor',
  /** Closed: the problem is closed. */
  ProblemClosed: 'ProblemClosed',
  /** Closed (False): the problem is open. */
  ProblemOpen: 'ProblemOpen',

  // The change catalogue (issue 14 item 5).
  /** Valid (ChangeRequest): a standard change not priced yet names no item of the namespace's ChangeCatalog (none yet, an unknown item, or one of the other category). */
  CatalogItemUnknown: 'CatalogItemUnknown',
  /** Ready (ChangeCatalog): another ChangeCatalog, older, is the catalogue of this namespace (one per namespace, the oldest wins). */
  DuplicateCatalog: 'DuplicateCatalog',
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];
