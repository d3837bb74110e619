// Problem reconciler (seed §5.4): a record (issue 12): the retention finalizer held until its
// latest instant plus the retention, its trace projected into status.history; its status says
// what it links and whether it is closed. Requeued at its closure when dated later.
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { emitNewHistory, historyOf, historyStatus } from '../shared/history.ts';
import { KIND_REFS } from '../shared/kinds.ts';
import { keepRecord, problemRelease } from '../shared/retention.ts';
import { invalidSpecConditions, requeueAt, writeStatus } from '../shared/status.ts';
import { problemConditions, problemFields, type ProblemFacts } from './status.ts';

export function problemReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.problems.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.Problem, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const problem = parsed.value;
    const retention = deps.retention;
    const release = retention === undefined ? undefined : await keepRecord(deps, KIND_REFS.Problem, problem, () => problemRelease(retention.months, problem.spec, problem.createdAt));
    if (release === 'released') return {};
    const ns = problem.namespace;
    const facts: ProblemFacts = {
      problem,
      missingIncidents: problem.spec.incidentRefs.map((r) => r.name).filter((n) => caches.incidents.informer.get(ns, n) === undefined),
      missingChange: problem.spec.changeRef !== undefined && caches.changes.informer.get(ns, problem.spec.changeRef.name) === undefined ? problem.spec.changeRef.name : undefined,
      now,
    };
    const history = historyOf(problem.raw);
    await writeStatus(manager, KIND_REFS.Problem, problem, { ...problemFields(facts), ...historyStatus(history) }, problemConditions(facts), now);
    await emitNewHistory(manager, problem.raw, history, problem.status);
    const closedAt = problem.spec.closedAt === undefined ? undefined : new Date(problem.spec.closedAt);
    return requeueAt(now, [closedAt !== undefined && closedAt.getTime() > now.getTime() ? closedAt : undefined, release]);
  };
}
