// Status conditions after metav1.Condition and the kstatus conventions (style.md item 5):
//   - `setCondition` keeps `lastTransitionTime` unless `status` flips, fills `observedGeneration`,
//     truncates times to whole seconds (what the API server stores), and never reorders.
// `Ready` is each controller's "why not ready" chain (controllers/shared/status.ts).

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export type Condition = {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  /** RFC 3339, whole seconds, UTC. */
  lastTransitionTime: string;
  observedGeneration?: number;
};

/** What a condition function computes; the setter adds the times and generation. */
export type DesiredCondition = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

/** RFC 3339 in whole seconds: `2026-03-01T10:00:00Z`. */
export function toSeconds(time: Date): string {
  return new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Returns a new list where `desired` replaces the condition of its type (or is appended).
 * `lastTransitionTime` is `now` only when the status changes (or the condition is new).
 */
export function setCondition(
  existing: readonly Condition[] | undefined,
  desired: DesiredCondition,
  now: Date,
  observedGeneration?: number,
): Condition[] {
  const list = existing ?? [];
  const previous = list.find((c) => c.type === desired.type);
  const next: Condition = {
    type: desired.type,
    status: desired.status,
    reason: desired.reason,
    message: desired.message,
    lastTransitionTime: previous !== undefined && previous.status === desired.status ? previous.lastTransitionTime : toSeconds(now),
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  };
  return previous === undefined ? [...list, next] : list.map((c) => (c.type === desired.type ? next : c));
}

/** Applies several desired conditions in order (same rules as `setCondition`). */
export function setConditions(
  existing: readonly Condition[] | undefined,
  desired: readonly DesiredCondition[],
  now: Date,
  observedGeneration?: number,
): Condition[] {
  let list: Condition[] = [...(existing ?? [])];
  for (const d of desired) list = setCondition(list, d, now, observedGeneration);
  return list;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}
