// What every reconciler shares: the "why not ready" chain (style.md item 7), the conditions it
// owns set through the runtime's setter (style.md item 5), the requeue at the next instant that
// matters (style.md item 8), and Events on outcome changes only.
import type { KubernetesObject } from '@kubernetes/client-node';
import { CONDITION_MESSAGE_MAX_LENGTH, ConditionReason, ConditionType } from '../../api/v1alpha1/index.ts';
import {
  ApiError, isStatus, kindName, setConditions, type Condition, type DesiredCondition, type EventSpec, type KindRef, type Manager, type Reconciler, type Result,
} from '../../runtime/index.ts';

/** One reason an object is not ready; undefined when the check passes. */
export type Blocker = { readonly reason: string; readonly message: string };
export type Check = () => Blocker | undefined;

/** The first failing check of an ordered chain, or undefined when all pass. */
export function firstBlocker(checks: readonly Check[]): Blocker | undefined {
  for (const check of checks) {
    const b = check();
    if (b !== undefined) return b;
  }
  return undefined;
}

/** `Ready` (kstatus) from the chain: False with the first blocker's reason, else True. */
export function readyCondition(blocker: Blocker | undefined, readyMessage = ''): DesiredCondition {
  return blocker === undefined
    ? { type: ConditionType.Ready, status: 'True', reason: ConditionReason.Reconciled, message: readyMessage }
    : { type: ConditionType.Ready, status: 'False', reason: blocker.reason, message: blocker.message };
}

/** A condition in the Unknown state because the controller could not decide (e.g. a thrown domain error). */
export function internalError(type: string, err: unknown): DesiredCondition {
  return { type, status: 'Unknown', reason: ConditionReason.InternalError, message: err instanceof Error ? err.message : String(err) };
}

/** Runs a pure condition function; a throw becomes an Unknown/InternalError condition of that type. */
export function guarded(type: string, fn: () => DesiredCondition): DesiredCondition {
  try {
    return fn();
  } catch (err) {
    return internalError(type, err);
  }
}

/**
 * The conditions this controller writes: the desired ones, in order, keeping `lastTransitionTime`
 * from the stored ones when the status did not flip. Types it does not own are left out (with
 * server-side apply, another field manager's conditions stay as they are).
 */
export function ownedConditions(stored: readonly Condition[] | undefined, desired: readonly DesiredCondition[], now: Date, generation: number | undefined): Condition[] {
  const types = new Set(desired.map((d) => d.type));
  const mine = (stored ?? []).filter((c) => types.has(c.type));
  const set = setConditions(mine, desired, now, generation);
  const order = desired.map((d) => d.type);
  return set.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

/** The longest delay a timer takes (Node's setTimeout limit, about 24.8 days); a later instant is re-planned then. */
export const MAX_REQUEUE_MS = 2_147_483_647;

/** Requeue at the earliest of `instants` strictly after `now`; none: no requeue. */
export function requeueAt(now: Date, instants: readonly (Date | undefined)[]): Result {
  let best: number | undefined;
  for (const i of instants) {
    if (i === undefined) continue;
    const t = i.getTime();
    if (t > now.getTime() && (best === undefined || t < best)) best = t;
  }
  // +1 s: the instant itself is past once the timer fires (edges are inclusive on the right side).
  return best === undefined ? {} : { requeueAfter: Math.min(MAX_REQUEUE_MS, best - now.getTime() + 1000) };
}

/** The stored status of a condition type. */
export function storedStatus(conditions: readonly Condition[] | undefined, type: string): string | undefined {
  return conditions?.find((c) => c.type === type)?.status;
}

/**
 * Emits `event` when the condition `type` moves to `status` (from anything else, including
 * absence): Events say "something changed", not "we looked again".
 */
export async function emitOnTransition(
  manager: Manager,
  obj: KubernetesObject,
  stored: readonly Condition[] | undefined,
  type: string,
  status: string,
  next: readonly Condition[],
  event: EventSpec,
): Promise<void> {
  const before = storedStatus(stored, type);
  const after = storedStatus(next, type);
  if (after === status && before !== status) await manager.events.emit(obj, event);
}

/**
 * Applies `fields` plus the owned conditions to the object's /status (skipped by the writer when
 * unchanged). An object deleted meanwhile is not an error: there is nothing left to report on.
 * A status the API server refuses with 422 is never silent (issue 20): a minimal status is
 * written instead (writeRejectedStatus). Returns the conditions written (or that would have been).
 */
export async function writeStatus(
  manager: Manager,
  kind: KindRef,
  obj: { readonly raw: KubernetesObject & { status?: unknown }; readonly generation: number | undefined },
  fields: object,
  desired: readonly DesiredCondition[],
  now: Date,
  project?: (stored: unknown) => unknown,
): Promise<Condition[]> {
  const stored = (obj.raw.status as { conditions?: Condition[] } | undefined)?.conditions;
  const conditions = ownedConditions(stored, withKstatusConditions(desired), now, obj.generation);
  const status = { ...fields, observedGeneration: obj.generation, conditions };
  try {
    await manager.status.apply(kind, obj.raw, status, project);
  } catch (err) {
    if (isStatus(err, 422)) return writeRejectedStatus(manager, kind, obj, err, now, project);
    if (!isStatus(err, 404)) throw err;
  }
  return conditions;
}

/**
 * The status the API server refused (422: the CRD's bounds, e.g. more functions than a report's
 * maxItems) replaced by the minimal one: `Ready=False StatusRejected` with the API server's
 * message (truncated to the condition's bound), so kstatus sees Stalled; the computed fields are
 * dropped (stale ones would look current). When the refusal is new (another reason or message
 * than the stored Ready), a Warning Event `StatusRejected` and a log line at error level. Not
 * retried hot: the reconcile ends normally (its requeue as computed), the writer does not resend
 * the same refused status (src/runtime/status.ts), and a change of the inputs reconciles again.
 * A minimal status refused too is thrown (counted, logged, retried with backoff).
 */
async function writeRejectedStatus(
  manager: Manager,
  kind: KindRef,
  obj: { readonly raw: KubernetesObject & { status?: unknown }; readonly generation: number | undefined },
  err: unknown,
  now: Date,
  project?: (stored: unknown) => unknown,
): Promise<Condition[]> {
  const stored = (obj.raw.status as { conditions?: Condition[] } | undefined)?.conditions;
  const answer = err instanceof Error ? err.message : String(err);
  const message = `the API server refused the status (422), written minimal instead: ${answer}`.slice(0, CONDITION_MESSAGE_MAX_LENGTH);
  const ready: DesiredCondition = { type: ConditionType.Ready, status: 'False', reason: ConditionReason.StatusRejected, message };
  const conditions = ownedConditions(stored, withKstatusConditions([ready]), now, obj.generation);
  const before = stored?.find((c) => c.type === ConditionType.Ready);
  try {
    await manager.status.apply(kind, obj.raw, { observedGeneration: obj.generation, conditions }, project);
  } catch (failed) {
    if (isStatus(failed, 404)) return conditions;
    throw failed;
  }
  if (before?.reason !== ConditionReason.StatusRejected || before.message !== message) {
    const { name = '', namespace = '' } = obj.raw.metadata ?? {};
    manager.logger.error({ resource: kindName(kind), namespace, name, err: answer }, 'status refused by the API server (422); wrote Ready=False StatusRejected instead');
    await manager.events.emit(obj.raw, { type: 'Warning', reason: ConditionReason.StatusRejected, action: 'WriteStatus', note: message });
  }
  return conditions;
}

/** The status of an object whose spec does not parse: Ready False, InvalidSpec, naming the fields (so Stalled). */
export function invalidSpecConditions(error: string): DesiredCondition[] {
  return withKstatusConditions([{ type: ConditionType.Ready, status: 'False', reason: ConditionReason.InvalidSpec, message: error.slice(0, 1024) }]);
}

/**
 * The reasons of a not-ready object that resolve by themselves (issue 18 item 2): a referenced
 * object GitOps has not applied yet. Every other reason a Ready is not True for (an invalid spec,
 * a rule violated, an internal error retried) needs a human, so the object is Stalled.
 */
export const WAITING_REASONS: ReadonlySet<string> = new Set<string>([ConditionReason.Pending, ConditionReason.ReferenceNotFound, ConditionReason.DependencyMissing]);

/** The kstatus view of a Ready condition: at most one of Ready, Reconciling, Stalled is True. */
export type KstatusConditions = { readonly ready: DesiredCondition; readonly reconciling: DesiredCondition; readonly stalled: DesiredCondition };

/**
 * `Reconciling` and `Stalled` (kstatus, abnormal-true) from `Ready`, and `Ready` made consistent
 * with them. Ready True: both False (kstatus Current). Not True for a waiting reason: Reconciling
 * True with Ready's reason, Ready kept (InProgress). Otherwise: Stalled True with Ready's reason,
 * and Ready False (an Unknown Ready, a controller that could not decide, is stalled too: Failed).
 * The generation lag needs no condition: `status.observedGeneration` behind `metadata.generation`
 * is InProgress to kstatus by itself, and every write sets it.
 */
export function kstatusConditions(ready: DesiredCondition): KstatusConditions {
  const settled = (type: string): DesiredCondition => ({ type, status: 'False', reason: ConditionReason.Settled, message: '' });
  if (ready.status === 'True') return { ready, reconciling: settled(ConditionType.Reconciling), stalled: settled(ConditionType.Stalled) };
  if (WAITING_REASONS.has(ready.reason)) {
    return {
      ready,
      reconciling: { type: ConditionType.Reconciling, status: 'True', reason: ready.reason, message: ready.message },
      stalled: { type: ConditionType.Stalled, status: 'False', reason: ConditionReason.Waiting, message: '' },
    };
  }
  return {
    ready: { ...ready, status: 'False' },
    reconciling: settled(ConditionType.Reconciling),
    stalled: { type: ConditionType.Stalled, status: 'True', reason: ready.reason, message: ready.message },
  };
}

/**
 * The desired conditions with `Reconciling` and `Stalled` derived from their `Ready` (replacing
 * any given), right after it; unchanged when there is no Ready. writeStatus applies it to every
 * write, so every kind carries the three.
 */
export function withKstatusConditions(desired: readonly DesiredCondition[]): DesiredCondition[] {
  const ready = desired.find((d) => d.type === ConditionType.Ready);
  if (ready === undefined) return [...desired];
  const k = kstatusConditions(ready);
  return desired
    .filter((d) => d.type !== ConditionType.Reconciling && d.type !== ConditionType.Stalled)
    .flatMap((d) => (d === ready ? [k.ready, k.reconciling, k.stalled] : [d]));
}

/**
 * Issue 11 item 5: a reconcile that fails with anything but an answer of the API server (a
 * domain exception, a bug) says so on the object: `Ready=False` and `Stalled=True`, reason
 * `InternalError`, the message; the rest of the stored status is kept as it is (a final SLAReport is never touched:
 * it is the record). The error is then rethrown, so the runtime logs it, counts it
 * (`controller_runtime_reconcile_errors_total{code="Unknown"}`) and retries with backoff, never
 * in a hot loop. An API error (a conflict, the API server away) is only rethrown: the retry is
 * the answer, and writing a status would fail the same way.
 */
export function reportingInternalErrors(manager: Manager, kind: KindRef, now: () => Date, reconcile: Reconciler): Reconciler {
  return async (req, ctx) => {
    try {
      return await reconcile(req, ctx);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        const raw = manager.informer(kind).get(req.namespace, req.name);
        if (raw !== undefined) await writeInternalError(manager, kind, raw, err, now()).catch(() => undefined);
      }
      throw err;
    }
  };
}

async function writeInternalError(manager: Manager, kind: KindRef, raw: KubernetesObject & { status?: unknown }, err: unknown, now: Date): Promise<void> {
  const stored = (typeof raw.status === 'object' && raw.status !== null ? raw.status : {}) as { conditions?: Condition[]; observedGeneration?: number; final?: boolean } & Record<string, unknown>;
  if (stored.final === true) return;
  const { conditions = [], observedGeneration: _observed, ...fields } = stored;
  const message = `internal error, retried with backoff: ${err instanceof Error ? err.message : String(err)}`.slice(0, 1024);
  const desired: DesiredCondition[] = [
    ...conditions.filter((c) => c.type !== ConditionType.Ready).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
    { type: ConditionType.Ready, status: 'False', reason: ConditionReason.InternalError, message },
  ]; // writeStatus derives Stalled=True (InternalError) from this Ready, replacing the stored pair
  await writeStatus(manager, kind, { raw, generation: raw.metadata?.generation }, fields, desired, now);
}
