// A change's runbook (issue 14 item 3; design.md "Runbooks"): the batch/v1 Jobs the operator
// creates from spec.runbook, and what their outcome says about the change.
//
// - When: domain/runbook.ts runbookStart (the gate: approved if provider-initiated, validated if
//   non-standard, the P1 exception at once; the slot: an agreed occurrence of spec.runbook.windowRef,
//   or business hours). Before that instant, a requeue at it.
// - Once: the Job's name is deterministic (<change>-run, <change>-rollback) and owned by the
//   ChangeRequest (ownerReference controller: true), so a retry, a restart or a new leader finds
//   it in the cache (or meets 409) and never creates a second one; a Job of that name the change
//   does not own is a conflict, never adopted. A Job recorded as created (status.runbook) and gone
//   since is not created again: the runbook ran once.
// - Success: the Job's completionTime becomes spec.completedAt (a merge patch by the operator,
//   traced in the history annotation by the webhook; frozen once set, so a deleted Job erases
//   nothing). The completion is bounded by the operator's clock: not after the instant it sees
//   the success, not before it created the Job (identical in production; consistent under --clock-at).
// - Failure: phase Failed with the Job's message (status.runbook.job), and the rollback Job when
//   spec.runbook.rollback is given.
// - The P1 exception: status.runbook.p1Notice and a P1Exception Event, the client notified afterwards (domain.md §10).
import type { KubernetesObject } from '@kubernetes/client-node';
import { API_VERSION, ConditionReason, ConditionType, approvalBinds, type ChangeRequestStatus, type JobTemplate } from '../../api/v1alpha1/index.ts';
import { rfc3339, runbookStart, type RunbookFacts, type RunbookStart, type TenantEvaluation } from '../../domain/index.ts';
import { createHash } from 'node:crypto';
import { collectionPath, isStatus, objectPath, type DesiredCondition, type KindRef } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, type ChangeObj, type IncidentObj } from '../shared/kinds.ts';

export const JOBS: KindRef = { group: 'batch', version: 'v1', plural: 'jobs' };
/** On every Job the operator creates for a change: the change's name (what the watch maps back). */
export const CHANGE_LABEL = 'managedapps.dev/change';
/** `run` or `rollback`; the operator's Job informer selects this label only, so it caches no other Job. */
export const RUNBOOK_LABEL = 'managedapps.dev/runbook';

/**
 * What the operator notes on a Job it creates, on its own clock: when (and in what slot) it was
 * created, and the open P1 that let it run unapproved. The Job is the record the status is
 * derived from (a status written before the cache saw the previous one loses nothing).
 */
export const CREATED_AT_ANNOTATION = 'managedapps.dev/runbook-created-at';
export const SLOT_ANNOTATION = 'managedapps.dev/runbook-slot';
export const START_AT_ANNOTATION = 'managedapps.dev/runbook-start-at';
export const P1_ANNOTATION = 'managedapps.dev/p1-exception';

export type JobRole = 'run' | 'rollback';
/** A runbook's requeue fires this long after its start instant (timers never fire early; the start is inclusive). */
export const RUNBOOK_REQUEUE_MARGIN_MS = 50;
const JOB_NAME_MAX = 63; // a Job's name is a label value of its pods (job-name)

/** `<change>-run` / `<change>-rollback`; a change whose name is too long is cut and given a digest of its name, still deterministic. */
export function runbookJobName(change: string, role: JobRole): string {
  const plain = `${change}-${role}`;
  if (plain.length <= JOB_NAME_MAX) return plain;
  const digest = createHash('sha256').update(change).digest('hex').slice(0, 8);
  const head = change.slice(0, JOB_NAME_MAX - role.length - digest.length - 2).replace(/[-.]+$/, '');
  return `${head}-${digest}-${role}`;
}

export interface JobManifest extends KubernetesObject {
  readonly apiVersion: 'batch/v1';
  readonly kind: 'Job';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly ownerReferences: { apiVersion: string; kind: string; name: string; uid: string; controller: true; blockOwnerDeletion: true }[];
  };
  readonly spec: unknown;
}

/** The Job of `template` for `change`: its name, namespace, labels and owner are the operator's, whatever the template says. */
export function runbookJob(change: { readonly name: string; readonly namespace: string; readonly uid: string }, role: JobRole, template: JobTemplate, notes: Record<string, string> = {}): JobManifest {
  const annotations = template.metadata?.annotations === undefined && Object.keys(notes).length === 0 ? undefined : { ...template.metadata?.annotations, ...notes };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: runbookJobName(change.name, role),
      namespace: change.namespace,
      labels: { ...template.metadata?.labels, [CHANGE_LABEL]: change.name, [RUNBOOK_LABEL]: role },
      ...(annotations !== undefined ? { annotations } : {}),
      ownerReferences: [{ apiVersion: API_VERSION, kind: 'ChangeRequest', name: change.name, uid: change.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: template.spec,
  };
}

interface JobLike extends KubernetesObject {
  readonly status?: {
    readonly completionTime?: string | Date;
    readonly conditions?: readonly { readonly type: string; readonly status: string; readonly message?: string; readonly reason?: string; readonly lastTransitionTime?: string | Date }[];
  };
}

export type JobOutcome =
  | { readonly kind: 'Running' }
  | { readonly kind: 'Succeeded'; readonly at: Date | undefined }
  | { readonly kind: 'Failed'; readonly at: Date | undefined; readonly message: string };

const dateOf = (v: string | Date | undefined): Date | undefined => (v === undefined ? undefined : new Date(v));

/** What a Job's status says: its `Complete` or `Failed` condition (batch/v1), else running. */
export function jobOutcome(job: JobLike): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const complete = conditions.find((c) => c.type === 'Complete' && c.status === 'True');
  if (complete !== undefined) return { kind: 'Succeeded', at: dateOf(job.status?.completionTime) ?? dateOf(complete.lastTransitionTime) };
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed !== undefined) return { kind: 'Failed', at: dateOf(failed.lastTransitionTime), message: [failed.reason, failed.message].filter((s) => s !== undefined && s !== '').join(': ') || 'the Job failed' };
  return { kind: 'Running' };
}

/** A Job watch's predicate: an add, a delete or a resync (no `previous`), or a change of outcome. */
export function jobOutcomeChanged(job: KubernetesObject, previous: KubernetesObject | undefined): boolean {
  return previous === undefined || jobOutcome(job).kind !== jobOutcome(previous).kind;
}

/** Whether `job` is this change's own (controller ownerReference with its uid). */
export function ownedBy(job: KubernetesObject, uid: string): boolean {
  return (job.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'ChangeRequest' && r.uid === uid);
}

type RunbookStatus = NonNullable<ChangeRequestStatus['runbook']>;
type JobStatus = NonNullable<RunbookStatus['job']>;

/** What the reconciler does with a runbook, and what it writes. */
export interface RunbookOutcome {
  readonly status: RunbookStatus;
  readonly condition: DesiredCondition;
  /** The runbook failed (phase Failed). */
  readonly failed: boolean;
  /** The next instant that matters (the start, a decision becoming known). */
  readonly requeueAt: Date | undefined;
}

const seconds = (d: Date): string => rfc3339(new Date(Math.floor(d.getTime() / 1000) * 1000));
const clamp = (d: Date, low: Date | undefined, high: Date): Date => new Date(Math.min(Math.max(d.getTime(), low?.getTime() ?? -Infinity), high.getTime()));

/** The domain's facts of a change's runbook, read from its spec and what the cache says around it. */
export function runbookFacts(change: ChangeObj, related: IncidentObj | undefined, ev: TenantEvaluation, now: Date): RunbookFacts {
  const s = change.spec;
  const openP1 = related !== undefined && related.spec.priority === 'P1' && (related.spec.resolvedAt === undefined || new Date(related.spec.resolvedAt).getTime() > now.getTime()) ? related.name : undefined;
  const windowName = s.runbook?.windowRef?.name;
  const window = windowName === undefined ? undefined : ev.window(windowName)?.input;
  return {
    requestedAt: new Date(s.requestedAt),
    initiator: s.initiator,
    category: s.category,
    ...(s.approval !== undefined && approvalBinds(s) ? { approval: { decision: s.approval.decision, at: new Date(s.approval.decidedAt) } } : {}),
    ...(s.validation !== undefined ? { validation: { decision: s.validation.decision, at: new Date(s.validation.validatedAt) } } : {}),
    ...(openP1 !== undefined ? { openP1 } : {}),
    ...(window !== undefined ? { window: { name: window.name, schedule: window.schedule } } : {}),
  };
}

const condition = (status: DesiredCondition['status'], reason: string, message: string): DesiredCondition => ({ type: ConditionType.RunbookSucceeded, status, reason, message });

/**
 * Reconciles the runbook of `change` (which has spec.runbook) at `now`: creates the Job when its instant
 * has come, records a success in spec.completedAt, runs the rollback of a failure. Never throws
 * for a Job that already exists (409); any other API error is thrown (retried with backoff).
 */
export async function reconcileRunbook(deps: Deps, change: ChangeObj, related: IncidentObj | undefined, ev: TenantEvaluation, missingWindow: string | undefined, now: Date): Promise<RunbookOutcome> {
  const runbook = change.spec.runbook;
  if (runbook === undefined) throw new Error('reconcileRunbook: no spec.runbook');
  // `now` is the reconcile's own reading, not the evaluation's (up to EVALUATION_MAX_AGE_MS older):
  // a Job is created at its instant, not up to a second later; only the window's schedule is read from the evaluation.
  const uid = change.raw.metadata?.uid ?? '';
  const ns = change.namespace;
  const stored = change.status?.runbook;
  const informer = deps.manager.informer<JobLike>(JOBS, RUNBOOK_LABEL);
  const runName = runbookJobName(change.name, 'run');
  const rollbackName = runbookJobName(change.name, 'rollback');
  const run = informer.get(ns, runName);
  const back = informer.get(ns, rollbackName);
  for (const job of [run, back]) {
    if (job !== undefined && !ownedBy(job, uid)) {
      return { status: stored ?? {}, condition: condition('False', ConditionReason.RunbookConflict, `Job ${job.metadata?.name ?? ''} exists and is not owned by this ChangeRequest: nothing is created over it`), failed: false, requeueAt: undefined };
    }
  }

  /** Creates the Job; the API server's refusal of the Job itself (400, 422: an invalid JobSpec) is returned, not retried: the same spec would be refused again. */
  /** `created`, `exists` (409: created already by a retry, a lagging cache, a previous leader: that one is this runbook's; the cache brings it) or the refusal. */
  const create = async (role: JobRole, template: JobTemplate, notes: Record<string, string>): Promise<'created' | 'exists' | { readonly refused: string }> => {
    const body = runbookJob({ name: change.name, namespace: ns, uid }, role, template, notes);
    try {
      await deps.manager.client.request('POST', collectionPath(JOBS, ns), { query: { fieldManager: deps.manager.fieldManager }, body: deps.manager.withShardLabel(body) });
      return 'created';
    } catch (err) {
      if (isStatus(err, 400) || isStatus(err, 422)) return { refused: err instanceof Error ? err.message : String(err) };
      if (isStatus(err, 409)) return 'exists';
      throw err;
    }
  };
  const rejected = (role: JobRole, message: string): RunbookOutcome => ({
    status: stored ?? {}, failed: false, requeueAt: undefined,
    condition: condition('False', ConditionReason.RunbookRejected, `the API server refused the ${role === 'run' ? 'Job of spec.runbook.template' : 'rollback Job of spec.runbook.rollback'}: ${message}`.slice(0, 4096)),
  });

  // The Job of the runbook: found, created now, or waiting for its instant.
  let job: JobStatus | undefined = stored?.job;
  let start: RunbookStart | undefined;
  let p1Notice = stored?.p1Notice;
  let created = false;
  if (run === undefined && job?.createdAt === undefined) {
    if (change.spec.completedAt !== undefined) {
      return { status: {}, condition: condition('Unknown', ConditionReason.CompletedWithoutRunbook, 'completed (spec.completedAt) before its Job was created: the runbook never runs'), failed: false, requeueAt: undefined };
    }
    if (missingWindow !== undefined) {
      return { status: {}, condition: condition('Unknown', ConditionReason.RunbookWaiting, `MaintenanceWindow ${missingWindow} not found (spec.runbook.windowRef): the Job waits for it`), failed: false, requeueAt: undefined };
    }
    const windowRef = runbook.windowRef?.name;
    if (windowRef !== undefined && ev.window(windowRef) === undefined) {
      // Present in the cache but not valid: its occurrences are unknown, so it never falls back to business hours.
      return { status: {}, condition: condition('Unknown', ConditionReason.RunbookWaiting, `MaintenanceWindow ${windowRef} is not valid (its Ready condition says why): the Job waits for it (spec.runbook.windowRef)`), failed: false, requeueAt: undefined };
    }
    start = runbookStart(runbookFacts(change, related, ev, now), ev.input.calendar, now);
    if (start.kind === 'Waiting') {
      return { status: {}, condition: condition('Unknown', ConditionReason.RunbookWaiting, start.message), failed: false, requeueAt: start.recheckAt };
    }
    if (start.at.getTime() > now.getTime()) {
      const status: RunbookStatus = { startAt: seconds(start.at), slot: start.by };
      return { status, condition: condition('Unknown', ConditionReason.RunbookWaiting, `its Job is created at ${rfc3339(start.at)} (${slotText(start)})`), failed: false, requeueAt: start.at };
    }
    const p1 = start.by === 'P1Exception' ? (related?.name ?? '') : undefined;
    const made = await create('run', runbook.template, {
      [CREATED_AT_ANNOTATION]: seconds(now), [SLOT_ANNOTATION]: start.by, [START_AT_ANNOTATION]: seconds(start.at), ...(p1 !== undefined ? { [P1_ANNOTATION]: p1 } : {}),
    });
    if (typeof made === 'object') return rejected('run', made.refused);
    created = true;
    if (made === 'exists') {
      return { status: { startAt: seconds(start.at), slot: start.by, job: { name: runName } }, condition: condition('Unknown', ConditionReason.RunbookRunning, `Job ${runName} created`), failed: false, requeueAt: undefined };
    }
    job = { name: runName, createdAt: seconds(now) };
    if (p1 !== undefined) {
      p1Notice = { incident: p1, ranAt: seconds(now), message: p1Message(seconds(now), p1) };
      await deps.manager.events.emit(change.raw, { type: 'Warning', reason: 'P1Exception', action: 'RunRunbook', note: p1Notice.message });
    }
    await deps.manager.events.emit(change.raw, { type: 'Normal', reason: 'RunbookStarted', action: 'RunRunbook', note: `Job ${runName} created (${slotText(start)})` });
  }
  job ??= { name: runName };
  // The Job's notes first (the record), then what was stored, then what was just decided.
  const note = (key: string): string | undefined => run?.metadata?.annotations?.[key];
  const notedCreated = note(CREATED_AT_ANNOTATION);
  if (job.createdAt === undefined && notedCreated !== undefined) job = { ...job, createdAt: notedCreated };
  const notedP1 = note(P1_ANNOTATION);
  if (p1Notice === undefined && notedP1 !== undefined && job.createdAt !== undefined) p1Notice = { incident: notedP1, ranAt: job.createdAt, message: p1Message(job.createdAt, notedP1) };
  const notedSlot = note(SLOT_ANNOTATION);
  const slot = stored?.slot ?? (notedSlot === 'P1Exception' || notedSlot === 'MaintenanceWindow' || notedSlot === 'AdministrationWindow' ? notedSlot : start?.kind === 'At' ? start.by : undefined);
  const startAt = stored?.startAt ?? note(START_AT_ANNOTATION) ?? (start?.kind === 'At' ? seconds(start.at) : undefined);
  const base: RunbookStatus = {
    ...(startAt !== undefined ? { startAt } : {}),
    ...(slot !== undefined ? { slot } : {}),
    ...(p1Notice !== undefined ? { p1Notice } : {}),
  };
  const createdAt = job.createdAt === undefined ? undefined : new Date(job.createdAt);

  // What the Job says; a Job gone keeps what was recorded (a deleted Job erases nothing).
  const outcome: JobOutcome | undefined = run === undefined ? undefined : jobOutcome(run);
  if (outcome?.kind === 'Running' || (outcome === undefined && job.completedAt === undefined && job.failedAt === undefined)) {
    const gone = outcome === undefined && !created ? ': the Job was deleted before it finished; it is not created again' : '';
    return { status: { ...base, job }, condition: condition('Unknown', ConditionReason.RunbookRunning, `Job ${runName} created at ${job.createdAt ?? '?'}${gone}`), failed: false, requeueAt: undefined };
  }
  if (outcome?.kind === 'Succeeded' || (outcome === undefined && job.completedAt !== undefined)) {
    // Once recorded, the completion stays what it was (the clamp moves with `now` on a shifted clock).
    const recorded = job.completedAt ?? change.spec.completedAt;
    const at = recorded !== undefined ? new Date(recorded) : clamp(outcome?.kind === 'Succeeded' ? (outcome.at ?? now) : now, createdAt, now);
    job = { ...job, completedAt: seconds(at) };
    if (change.spec.completedAt === undefined) {
      await deps.manager.client.request('PATCH', objectPath(KIND_REFS.ChangeRequest, ns, change.name), {
        query: { fieldManager: deps.manager.fieldManager }, contentType: 'application/merge-patch+json', body: { spec: { completedAt: seconds(at) } },
      });
      await deps.manager.events.emit(change.raw, { type: 'Normal', reason: 'RunbookSucceeded', action: 'RunRunbook', note: `Job ${runName} succeeded at ${seconds(at)}: the change is completed (spec.completedAt)` });
    }
    return { status: { ...base, job }, condition: condition('True', ConditionReason.RunbookCompleted, `Job ${runName} succeeded at ${seconds(at)}`), failed: false, requeueAt: undefined };
  }

  // Failed: the Job's message; the rollback when there is one.
  if (outcome?.kind === 'Failed' && job.failedAt === undefined) job = { ...job, failedAt: seconds(clamp(outcome.at ?? now, createdAt, now)), message: outcome.message.slice(0, 4096) };
  const failure = `Job ${runName} failed: ${job.message ?? ''}`;
  if (stored?.job?.failedAt === undefined) await deps.manager.events.emit(change.raw, { type: 'Warning', reason: 'RunbookFailed', action: 'RunRunbook', note: failure });
  if (runbook.rollback === undefined) return { status: { ...base, job }, condition: condition('False', ConditionReason.RunbookFailed, `${failure}; no rollback given`), failed: true, requeueAt: undefined };
  let rollback: JobStatus | undefined = stored?.rollback;
  if (back === undefined && rollback?.createdAt === undefined) {
    const made = await create('rollback', runbook.rollback, { [CREATED_AT_ANNOTATION]: seconds(now) });
    if (typeof made === 'object') return { ...rejected('rollback', made.refused), status: { ...base, job }, failed: true };
    rollback = made === 'created' ? { name: rollbackName, createdAt: seconds(now) } : { name: rollbackName };
    if (made === 'created') await deps.manager.events.emit(change.raw, { type: 'Normal', reason: 'RollbackStarted', action: 'RunRunbook', note: `Job ${rollbackName} created after ${runName} failed` });
  }
  rollback ??= { name: rollbackName };
  const rollbackNoted = back?.metadata?.annotations?.[CREATED_AT_ANNOTATION];
  if (rollback.createdAt === undefined && rollbackNoted !== undefined) rollback = { ...rollback, createdAt: rollbackNoted };
  const back2 = back === undefined ? undefined : jobOutcome(back);
  const rollbackCreated = rollback.createdAt === undefined ? undefined : new Date(rollback.createdAt);
  if (back2?.kind === 'Succeeded' && rollback.completedAt === undefined) rollback = { ...rollback, completedAt: seconds(clamp(back2.at ?? now, rollbackCreated, now)) };
  if (back2?.kind === 'Failed' && rollback.failedAt === undefined) rollback = { ...rollback, failedAt: seconds(clamp(back2.at ?? now, rollbackCreated, now)), message: back2.message.slice(0, 4096) };
  const status = { ...base, job, rollback };
  if (rollback.completedAt !== undefined) return { status, condition: condition('False', ConditionReason.RolledBack, `${failure}; rolled back by Job ${rollbackName} at ${rollback.completedAt}`), failed: true, requeueAt: undefined };
  if (rollback.failedAt !== undefined) return { status, condition: condition('False', ConditionReason.RollbackFailed, `${failure}; the rollback Job ${rollbackName} failed too: ${rollback.message ?? ''}`), failed: true, requeueAt: undefined };
  return { status, condition: condition('False', ConditionReason.RunbookFailed, `${failure}; rolling back (Job ${rollbackName})`), failed: true, requeueAt: undefined };
}

function p1Message(ranAt: string, incident: string): string {
  return `run at ${ranAt} without the client's prior approval, to resolve the open P1 incident ${incident}: the client is notified afterwards (domain.md §10)`;
}

function slotText(start: Extract<RunbookStart, { kind: 'At' }>): string {
  switch (start.by) {
    case 'P1Exception': return 'the P1 exception: at once (domain.md §10)';
    case 'MaintenanceWindow': return `the agreed occurrence ${start.slot === undefined ? '' : `${rfc3339(start.slot.start)} to ${rfc3339(start.slot.end)} `}of its MaintenanceWindow`;
    case 'AdministrationWindow': return 'business hours, the administration window (domain.md §4)';
  }
}
