// MaintenanceWindow reconciler: cache → window/status.ts → status; requeued at the next edge
// (an occurrence's start or end), computed by the domain.
import { matchesSelector, scheduleToDomain } from '../../api/v1alpha1/index.ts';
import { nextEdge } from '../../domain/index.ts';
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS, converted } from '../shared/kinds.ts';
import { invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { windowOutcome } from './status.ts';

export function windowReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.windows.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.MaintenanceWindow, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const window = parsed.value;
    const schedule = converted(scheduleToDomain(window));
    const units = caches.units.list(req.namespace).filter((u) => matchesSelector(window.spec.selector, u.labels)).length;
    const outcome = windowOutcome({ schedule, units, now });
    await writeStatus(manager, KIND_REFS.MaintenanceWindow, window, outcome.fields, outcome.conditions, now);
    if (outcome.fields.nextOccurrences === undefined) return {};
    return requeueAt(now, [nextEdge(schedule, now)]);
  };
}
