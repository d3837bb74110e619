import { describe, expect, it } from 'vitest';
import { categoryOfTokens, catalogItemTokensProblem, lookUpCatalogItem, type CatalogItem } from './catalog.ts';
import { changePrice, tokensCharged } from './tokens.ts';

const ITEMS: CatalogItem[] = [
  { id: 'database.user.create', category: 'StandardSimple', tokens: 1 },
  { id: 'middleware.jvm.tuning', category: 'StandardComplex', tokens: 4 },
];

describe('categoryOfTokens (domain.md §7: simple = 1 token, complex more, at most MAX_CHANGE_TOKENS = 10,000)', () => {
  it.each([
    [1, 'StandardSimple'], [2, 'StandardComplex'], [10_000, 'StandardComplex'], [0, undefined], [10_001, undefined], [1.5, undefined],
  ] as const)('%d tokens → %s', (tokens, category) => {
    expect(categoryOfTokens(tokens)).toBe(category);
  });
});

describe('catalogItemTokensProblem', () => {
  it.each([
    [{ id: 'a', category: 'StandardSimple', tokens: 1 }, undefined],
    [{ id: 'a', category: 'StandardSimple', tokens: 2 }, 'a StandardSimple item is exactly 1 token, not 2 (domain.md §7)'],
    [{ id: 'a', category: 'StandardComplex', tokens: 1 }, 'a StandardComplex item is more than 1 token, not 1 (domain.md §7)'],
    [{ id: 'a', category: 'StandardComplex', tokens: 0 }, 'must be an integer from 1 to 10000'],
  ] as const)('%o → %s', (item, problem) => {
    expect(catalogItemTokensProblem(item)).toBe(problem);
  });
});

describe('lookUpCatalogItem: each refusal names its field', () => {
  it.each([
    ['the item', { category: 'StandardComplex', catalogItem: 'middleware.jvm.tuning' }, ITEMS, { ok: true, item: ITEMS[1] }],
    ['no item named', { category: 'StandardSimple' }, ITEMS, { ok: false, path: 'spec.catalogItem', message: 'a standard change names its item of the change catalogue (seed §10)' }],
    ['no catalogue', { category: 'StandardSimple', catalogItem: 'database.user.create' }, undefined, { ok: false, path: 'spec.catalogItem', message: "no ChangeCatalog in the namespace: item 'database.user.create' cannot be priced yet" }],
    ['an unknown item', { category: 'StandardSimple', catalogItem: 'x' }, ITEMS,
      { ok: false, path: 'spec.catalogItem', message: "'x' is not an item of ChangeCatalog 'std' (spec.items[].id: database.user.create, middleware.jvm.tuning); a change outside the catalogue is NonStandard, quoted" }],
    ['the other category', { category: 'StandardSimple', catalogItem: 'middleware.jvm.tuning' }, ITEMS,
      { ok: false, path: 'spec.category', message: "item 'middleware.jvm.tuning' of ChangeCatalog 'std' is StandardComplex (4 tokens), not StandardSimple" }],
  ] as const)('%s', (_name, change, items, expected) => {
    expect(lookUpCatalogItem(change, items, 'std')).toEqual(expected);
  });
});

describe('a change priced from its item (domain.md §10: ×2 outside business hours, ×2 accelerated)', () => {
  it('middleware.jvm.tuning, 4 tokens, accelerated and outside business hours: 4 × 2 × 2 = 16 tokens, at 95 EUR: 1,520 EUR', () => {
    const found = lookUpCatalogItem({ category: 'StandardComplex', catalogItem: 'middleware.jvm.tuning' }, ITEMS);
    if (!found.ok) throw new Error(found.message);
    const change = { tokens: found.item.tokens, outsideBusinessHours: true, accelerated: true };
    expect(tokensCharged(change)).toBe(16);
    expect(changePrice(change, 95)).toBe(1520);
  });
});
