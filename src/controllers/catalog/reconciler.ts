// ChangeCatalog reconciler (issue 14 item 5): cache → catalog/status.ts → status. Nothing timed:
// no requeue. The changes it prices are the change controller's (a watch re-queues them).
import type { Reconciler } from '../../runtime/index.ts';
import type { Deps } from '../shared/deps.ts';
import { KIND_REFS } from '../shared/kinds.ts';
import { invalidSpecConditions, writeStatus } from '../shared/status.ts';
import { catalogConditions, catalogFields } from './status.ts';

export function catalogReconciler(deps: Deps): Reconciler {
  const { caches, manager } = deps;
  return async (req) => {
    const parsed = caches.catalogs.get(req.namespace, req.name);
    if (parsed === undefined) return {};
    const now = deps.now();
    if (!parsed.ok) {
      await writeStatus(manager, KIND_REFS.ChangeCatalog, { raw: parsed.raw, generation: parsed.raw.metadata?.generation }, {}, invalidSpecConditions(parsed.error), now);
      return {};
    }
    const catalog = parsed.value;
    const first = caches.catalog(req.namespace);
    const facts = { catalog, olderCatalog: first !== undefined && first.name !== catalog.name ? first.name : undefined };
    await writeStatus(manager, KIND_REFS.ChangeCatalog, catalog, catalogFields(facts), catalogConditions(facts), now);
    return {};
  };
}
