// ChangeRequest status (domain.md §7, §10): phase, tokens and price charged, GTC deadline and
// outcome; the client's approval of a provider change (except one resolving a P1, notified
// afterwards); the 7th accelerated change of a calendar year refused by condition; a release over
// its month's quota (seed Table 1) flagged by WithinReleaseQuota and billed as a change (seed §5.5).
// A standard change is priced from its catalogue item (issue 14 item 5): stamped at creation
// (spec.catalogStamp), else from the namespace's ChangeCatalog as it is; an item not found there
// (no catalogue yet, an unknown item, the other category) is Valid=False CatalogItemUnknown.
import { ConditionReason, ConditionType, approvalBinds, changeTokens, type ChangeRequestStatus, type PriceSource } from '../../api/v1alpha1/index.ts';
import { rfc3339, roundAmount, tokensCharged, type AcceleratedDecision, type CatalogItem, type CatalogLookup, type ChangeResult, type PatchProblem, type ReleaseDecision, type ReleaseProblem, type RestoreProblem } from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import type { ChangeObj } from '../shared/kinds.ts';
import { firstBlocker, readyCondition } from '../shared/status.ts';
import type { RunbookOutcome } from './runbook.ts';

export interface ChangeFacts {
  readonly change: ChangeObj;
  /** The domain's decision on an accelerated change (rank in its year); undefined when not accelerated. */
  readonly accelerated: AcceleratedDecision | undefined;
  /** The domain's decision on a release (rank in its month and level, seed Table 1); undefined when not a release or without a contract. */
  readonly release?: ReleaseDecision | undefined;
  /** A release's problems (releases.ts releaseProblems): each names its field. */
  readonly releaseProblems?: readonly ReleaseProblem[] | undefined;
  /** The related incident is a P1: a provider change needs no prior approval (domain.md §10). */
  readonly forP1Incident: boolean;
  /** undefined while the namespace has no contract. */
  readonly result: ChangeResult | undefined;
  readonly currency: string | undefined;
  readonly missingUnits: readonly string[];
  /** `spec.relatedIncident` when no such Incident exists (yet: GitOps order); a P1 exception cannot be decided then. */
  readonly missingIncident?: string | undefined;
  /** A restore's problems (seed §5.10, domain/backup.ts restoreProblems): each names its field. */
  readonly restoreProblems?: readonly RestoreProblem[] | undefined;
  /** A patch campaign's problems (seed §5.9.2, domain/patching.ts patchProblems): each names its field. */
  readonly patchProblems?: readonly PatchProblem[] | undefined;
  /** The items of the namespace's ChangeCatalog (issue 14 item 5); undefined without one. */
  readonly catalog?: readonly CatalogItem[] | undefined;
  /** For a standard change without spec.tokens (not stamped): its item in the catalogue, or why not (domain/catalog.ts). */
  readonly catalogLookup?: CatalogLookup | undefined;
  /** spec.runbook's Jobs (runbook.ts reconcileRunbook); absent: no runbook. */
  readonly runbook?: RunbookOutcome | undefined;
  /** spec.runbook.windowRef when no such MaintenanceWindow exists (yet: GitOps order). */
  readonly missingWindow?: string | undefined;
  readonly now: Date;
}

/** Where the change's tokens come from (status.priceSource). */
export function priceSourceOf(f: ChangeFacts): PriceSource {
  const s = f.change.spec;
  if (s.category === 'NonStandard') return 'Quote';
  if (s.catalogStamp !== undefined) return 'CatalogStamp';
  return s.tokens !== undefined ? 'Recorded' : 'Catalog';
}

const known = (t: string | undefined, now: Date): boolean => t !== undefined && new Date(t).getTime() <= now.getTime();

/** The approval step applies to provider changes, except those resolving a P1 (domain.md §10). */
export function needsApproval(f: ChangeFacts): boolean {
  return f.change.spec.initiator === 'Provider' && !f.forP1Incident;
}

export function phaseOf(f: ChangeFacts): NonNullable<ChangeRequestStatus['phase']> {
  const s = f.change.spec;
  if (s.category === 'NonStandard') {
    if (s.validation === undefined || !known(s.validation.validatedAt, f.now)) return 'AwaitingValidation';
    if (s.validation.decision === 'Refused') return 'Refused';
  }
  if (needsApproval(f)) {
    // An approval binds to the scope approved: a later change of the scope voids it.
    if (s.approval === undefined || !approvalBinds(s) || !known(s.approval.decidedAt, f.now)) return 'AwaitingApproval';
    if (s.approval.decision === 'Rejected') return 'Rejected';
  }
  if (known(s.completedAt, f.now)) return 'Completed';
  // issue 14 item 3: its runbook's Job failed (rolled back or not).
  return f.runbook?.failed === true ? 'Failed' : 'Accepted';
}

export function approvedCondition(f: ChangeFacts): DesiredCondition {
  const s = f.change.spec;
  const type = ConditionType.Approved;
  if (s.initiator === 'Client') return { type, status: 'True', reason: ConditionReason.NotRequired, message: 'client-initiated change' };
  if (f.forP1Incident) return { type, status: 'True', reason: ConditionReason.P1Exception, message: `resolves P1 incident ${s.relatedIncident?.name ?? ''}: notified to the client afterwards (domain.md §10)` };
  if (s.approval !== undefined && !approvalBinds(s)) {
    return { type, status: 'False', reason: ConditionReason.ApprovalVoided, message: `the scope changed after ${s.approval.approvedBy}'s decision (${s.approval.decision}): it no longer binds; the change awaits a new decision (domain.md §10)` };
  }
  if (s.approval === undefined || !known(s.approval.decidedAt, f.now)) return { type, status: 'False', reason: ConditionReason.AwaitingApproval, message: 'a provider change needs the client\'s approval before it is implemented (domain.md §10)' };
  if (s.approval.decision === 'Rejected') return { type, status: 'False', reason: ConditionReason.ClientRejected, message: `rejected by ${s.approval.approvedBy}` };
  return { type, status: 'True', reason: ConditionReason.ClientApproved, message: `approved by ${s.approval.approvedBy}` };
}

export function validCondition(f: ChangeFacts): DesiredCondition {
  const item = f.catalogLookup;
  if (item !== undefined && !item.ok) {
    return { type: ConditionType.Valid, status: 'False', reason: ConditionReason.CatalogItemUnknown, message: `${item.path}: ${item.message}; the change is priced 0 tokens until its item is found` };
  }
  const restore = f.restoreProblems ?? [];
  if (restore.length > 0) return { type: ConditionType.Valid, status: 'False', reason: ConditionReason.RestoreInvalid, message: restore.map((p) => `${p.path}: ${p.message}`).join('; ') };
  const release = f.releaseProblems ?? [];
  if (release.length > 0) return { type: ConditionType.Valid, status: 'False', reason: ConditionReason.ReleaseInvalid, message: release.map((p) => `${p.path}: ${p.message}`).join('; ') };
  const patch = f.patchProblems ?? [];
  if (patch.length > 0) return { type: ConditionType.Valid, status: 'False', reason: ConditionReason.PatchInvalid, message: patch.map((p) => `${p.path}: ${p.message}`).join('; ') };
  const d = f.accelerated;
  if (d !== undefined && !d.accepted) return { type: ConditionType.Valid, status: 'False', reason: ConditionReason.QuotaExceeded, message: `${d.message}: timed and priced as a normal change` };
  return { type: ConditionType.Valid, status: 'True', reason: ConditionReason.Reconciled, message: '' };
}

export function withinGuaranteeCondition(f: ChangeFacts): DesiredCondition {
  const r = f.result;
  const type = ConditionType.WithinGuarantee;
  if (r === undefined) return { type, status: 'Unknown', reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet: the support level is unknown' };
  if (!r.timed) return { type, status: 'True', reason: ConditionReason.NotApplicable, message: `GTC does not apply: ${r.reason}` };
  const deadline = r.deadline === undefined ? '' : rfc3339(r.deadline);
  // domain.md §8 (seed §8.4.3): a non-production change is timed too, without penalties.
  const note = r.applicable ? '' : `; ${r.reason}: timed without penalties (domain.md §8)`;
  if (r.late) return { type, status: 'False', reason: ConditionReason.DeadlineMissed, message: `GTC deadline ${deadline} missed${note}` };
  if (r.measuredAt !== undefined) return { type, status: 'True', reason: ConditionReason.CompletedOnTime, message: `completed before ${deadline}${note}` };
  return { type, status: 'True', reason: ConditionReason.OnTime, message: `to complete before ${deadline}${note}` };
}

/** `WithinReleaseQuota`, for a release only (spec.release is immutable): its rank in its month and level against the quota (seed Table 1). */
export function releaseQuotaCondition(f: ChangeFacts): DesiredCondition | undefined {
  if (!f.change.spec.release) return undefined;
  const type = ConditionType.WithinReleaseQuota;
  const d = f.release;
  if (d === undefined) return { type, status: 'Unknown', reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet: the support level, hence the quota, is unknown' };
  if (!d.withinQuota) return { type, status: 'False', reason: ConditionReason.ReleaseQuotaExceeded, message: d.message };
  return { type, status: 'True', reason: ConditionReason.ReleaseIncluded, message: d.message };
}

export function changeConditions(f: ChangeFacts): DesiredCondition[] {
  const valid = validCondition(f);
  const ready = readyCondition(firstBlocker([
    () => (valid.status === 'False' ? valid : undefined),
    () => (f.missingUnits.length > 0 ? { reason: ConditionReason.ReferenceNotFound, message: `ServiceUnit ${f.missingUnits.join(', ')} not found` } : undefined),
    () => (f.missingIncident !== undefined ? { reason: ConditionReason.ReferenceNotFound, message: `Incident ${f.missingIncident} not found (spec.relatedIncident)` } : undefined),
    () => (f.result === undefined ? { reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet' } : undefined),
    () => (f.missingWindow !== undefined ? { reason: ConditionReason.ReferenceNotFound, message: `MaintenanceWindow ${f.missingWindow} not found (spec.runbook.windowRef)` } : undefined),
    // A Job of the runbook's name the change does not own, or one the API server refused: a human decides (Stalled).
    () => {
      const c = f.runbook?.condition;
      return c !== undefined && (c.reason === ConditionReason.RunbookConflict || c.reason === ConditionReason.RunbookRejected) ? { reason: c.reason, message: c.message } : undefined;
    },
  ]));
  const release = releaseQuotaCondition(f);
  const runbook = f.runbook?.condition;
  return [approvedCondition(f), valid, withinGuaranteeCondition(f), ...(release === undefined ? [] : [release]), ...(runbook === undefined ? [] : [runbook]), ready];
}

export function changeFields(f: ChangeFacts): Omit<ChangeRequestStatus, 'conditions' | 'observedGeneration'> {
  const s = f.change.spec;
  const accelerated = s.accelerated && f.accelerated?.accepted === true;
  const charged = tokensCharged({ tokens: changeTokens(f.change, f.catalog), outsideBusinessHours: s.outsideBusinessHours, accelerated, includedRelease: f.release?.withinQuota === true });
  const phase = phaseOf(f);
  const d = f.release;
  const release = d === undefined ? {} : { release: { month: d.month, supportLevel: d.supportLevel, rank: d.rank, quota: d.quota, withinQuota: d.withinQuota } };
  const runbook = f.runbook === undefined ? {} : { runbook: f.runbook.status };
  const r = f.result;
  const priceSource = priceSourceOf(f);
  if (r === undefined) return { phase, tokensCharged: charged, priceSource, ...release, ...runbook };
  return {
    phase,
    ...release,
    priceSource,
    ...runbook,
    supportLevel: r.supportLevel,
    tokensCharged: charged,
    price: roundAmount(r.price),
    ...(f.currency !== undefined ? { currency: f.currency } : {}),
    ...(r.deadline !== undefined ? { gtcDeadline: rfc3339(r.deadline) } : {}),
    coveredSeconds: Math.floor(r.coveredSeconds),
    late: r.late,
    gtc: r.applicable ? { applicable: true } : { applicable: false, reason: r.reason, ...(r.timed ? { timed: true } : {}) },
  };
}
