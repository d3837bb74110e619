// ChangeCatalog status (issue 14 item 5): how many items it lists, of each category, and Ready:
// False `DuplicateCatalog` when an older catalogue of the namespace is the one that prices its
// changes (one per namespace, the oldest wins, as a ManagedTenant).
import { ConditionReason, type ChangeCatalogStatus } from '../../api/v1alpha1/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import type { CatalogObj } from '../shared/kinds.ts';
import { firstBlocker, readyCondition } from '../shared/status.ts';

export interface CatalogFacts {
  readonly catalog: CatalogObj;
  /** The name of the namespace's older ChangeCatalog, when it is not this one. */
  readonly olderCatalog: string | undefined;
}

export function catalogConditions(f: CatalogFacts): DesiredCondition[] {
  return [readyCondition(firstBlocker([
    () => (f.olderCatalog === undefined ? undefined : {
      reason: ConditionReason.DuplicateCatalog,
      message: `ChangeCatalog ${f.olderCatalog} is the catalogue of this namespace (one per namespace, the oldest wins): this one prices nothing`,
    }),
  ]))];
}

export function catalogFields(f: CatalogFacts): Omit<ChangeCatalogStatus, 'conditions' | 'observedGeneration'> {
  const items = f.catalog.spec.items;
  return { items: items.length, simple: items.filter((i) => i.category === 'StandardSimple').length, complex: items.filter((i) => i.category === 'StandardComplex').length };
}
