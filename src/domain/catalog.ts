// The change catalogue (seed §10 "Changement Standard", domain.md §7, §10; issue 14 item 5): the
// list of the standard changes with their price in tokens. A standard change names its item and
// is priced from it; a change outside the catalogue is NonStandard and quoted. Pure: the items
// are given, the catalogue's storage (a ChangeCatalog per tenant) is src/api's.
import { MAX_CHANGE_TOKENS, SIMPLE_CHANGE_TOKENS } from './limits.ts';
import type { ChangeCategory } from './vocabulary.ts';

/** The categories of the catalogue's items: a NonStandard change is outside the catalogue (domain.md §7). */
export const CATALOG_CATEGORIES = ['StandardSimple', 'StandardComplex'] as const satisfies readonly ChangeCategory[];
export type CatalogCategory = (typeof CATALOG_CATEGORIES)[number];

/** The most items a catalogue lists (a bound, issue 20: not a number of the contract). */
export const MAX_CATALOG_ITEMS = 512;

/** One standard change of the catalogue. */
export interface CatalogItem {
  readonly id: string;
  readonly category: CatalogCategory;
  /** Tokens of 30 minutes, before multipliers (domain.md §10). */
  readonly tokens: number;
}

/**
 * domain.md §7: a simple change is exactly SIMPLE_CHANGE_TOKENS token, a complex one more (at
 * most MAX_CHANGE_TOKENS): the category an item's tokens make it.
 */
export function categoryOfTokens(tokens: number): CatalogCategory | undefined {
  if (!Number.isInteger(tokens) || tokens < SIMPLE_CHANGE_TOKENS || tokens > MAX_CHANGE_TOKENS) return undefined;
  return tokens === SIMPLE_CHANGE_TOKENS ? 'StandardSimple' : 'StandardComplex';
}

/** What is wrong with an item's tokens for its category (the catalogue's own CEL rule, offline). */
export function catalogItemTokensProblem(item: CatalogItem): string | undefined {
  const category = categoryOfTokens(item.tokens);
  if (category === undefined) return `must be an integer from ${SIMPLE_CHANGE_TOKENS} to ${MAX_CHANGE_TOKENS}`;
  if (category === item.category) return undefined;
  return item.category === 'StandardSimple'
    ? `a StandardSimple item is exactly ${SIMPLE_CHANGE_TOKENS} token, not ${item.tokens} (domain.md §7)`
    : `a StandardComplex item is more than ${SIMPLE_CHANGE_TOKENS} token, not ${item.tokens} (domain.md §7)`;
}

/** What a standard change says of its catalogue item. */
export interface CatalogedChange {
  readonly category: ChangeCategory;
  readonly catalogItem?: string | undefined;
}

/** How a change's item stands against a catalogue. */
export type CatalogLookup =
  | { readonly ok: true; readonly item: CatalogItem }
  | { readonly ok: false; readonly path: 'spec.catalogItem' | 'spec.category'; readonly message: string };

/**
 * The catalogue item a standard change names, or why it is refused (each answer names the field):
 * no item named, no catalogue, an item it does not list, an item of the other category. Not for a
 * NonStandard change (outside the catalogue: quoted).
 */
export function lookUpCatalogItem(change: CatalogedChange, items: readonly CatalogItem[] | undefined, catalogName?: string): CatalogLookup {
  const id = change.catalogItem;
  if (id === undefined) return { ok: false, path: 'spec.catalogItem', message: 'a standard change names its item of the change catalogue (seed §10)' };
  const where = catalogName === undefined ? 'the ChangeCatalog' : `ChangeCatalog '${catalogName}'`;
  if (items === undefined) return { ok: false, path: 'spec.catalogItem', message: `no ChangeCatalog in the namespace: item '${id}' cannot be priced yet` };
  const item = items.find((i) => i.id === id);
  if (item === undefined) {
    const known = items.slice(0, 8).map((i) => i.id).join(', ');
    return { ok: false, path: 'spec.catalogItem', message: `'${id}' is not an item of ${where} (spec.items[].id${known === '' ? ': none' : `: ${known}${items.length > 8 ? ', ...' : ''}`}); a change outside the catalogue is NonStandard, quoted` };
  }
  if (item.category !== change.category) {
    return { ok: false, path: 'spec.category', message: `item '${id}' of ${where} is ${item.category} (${item.tokens} token${item.tokens === 1 ? '' : 's'}), not ${change.category}` };
  }
  return { ok: true, item };
}
