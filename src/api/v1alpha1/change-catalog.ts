// ChangeCatalog (ccat): the change catalogue of a tenant (seed §10 "Changement Standard": the list
// of the standard changes, their price known to the client; domain.md §7, §10; issue 14 item 5).
// Namespaced, one per namespace (the oldest wins, as a ManagedTenant): design.md §1 "The change
// catalogue" argues it. A standard ChangeRequest names an item (`spec.catalogItem`) and is priced
// from it: the mutating webhook stamps the item's tokens into the change at its creation
// (`spec.tokens`, `spec.catalogStamp`), so a later edit of the catalogue reprices nothing.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CATALOG_CATEGORIES, MAX_CATALOG_ITEMS, type CatalogItem } from '../../domain/catalog.ts';
import { MAX_CHANGE_TOKENS, SIMPLE_CHANGE_TOKENS } from '../../domain/limits.ts';
import { type KindDefinition, ageColumn, boundedCount, count, doc, readyColumn, resource, statusBase, text, withRules } from './common.ts';

/** An item's identifier: what `ChangeRequest.spec.catalogItem` names (lower case, digits, `.`, `-`, `_`). */
export const CATALOG_ITEM_ID_PATTERN = /^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/;

/** What `ChangeRequest.spec.catalogStamp.digest` holds: `sha256:<hex>` of the item as stamped (catalogItemDigest). */
export const CATALOG_DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export const ChangeCatalogItem = withRules(
  z.object({
    id: doc(z.string().min(1).max(128).regex(CATALOG_ITEM_ID_PATTERN), 'Identifier of the item, as a ChangeRequest names it in spec.catalogItem.'),
    title: text('What the change does, in one line.', 256),
    category: doc(z.enum(CATALOG_CATEGORIES), `StandardSimple (exactly ${SIMPLE_CHANGE_TOKENS} token) or StandardComplex (more) (domain.md §7).`),
    tokens: boundedCount(`Price in tokens of 30 minutes, before multipliers (×2 outside business hours, ×2 accelerated): exactly ${SIMPLE_CHANGE_TOKENS} for StandardSimple, more for StandardComplex, at most ${MAX_CHANGE_TOKENS}.`, MAX_CHANGE_TOKENS, 1),
    description: text('The procedure, its scope and prerequisites.', 4096).optional(),
  }),
  'One standard change of the catalogue.',
  [
    { rule: `self.category != 'StandardSimple' || self.tokens == ${SIMPLE_CHANGE_TOKENS}`, message: `tokens: a StandardSimple item is exactly ${SIMPLE_CHANGE_TOKENS} token (domain.md §7)`, fieldPath: '.tokens' },
    { rule: `self.category != 'StandardComplex' || self.tokens > ${SIMPLE_CHANGE_TOKENS}`, message: `tokens: a StandardComplex item is more than ${SIMPLE_CHANGE_TOKENS} token (domain.md §7)`, fieldPath: '.tokens' },
  ],
);
export type ChangeCatalogItem = z.infer<typeof ChangeCatalogItem>;

export const ChangeCatalogSpec = z.object({
  description: text('What this catalogue is (the provider\'s standard catalogue, its version, the contract it is part of).', 1024).optional(),
  items: doc(z.array(ChangeCatalogItem).min(1).max(MAX_CATALOG_ITEMS), `The standard changes, at most ${MAX_CATALOG_ITEMS}, keyed by id. An edit changes the price of the changes requested afterwards only: a change is stamped with its item's tokens at its creation.`, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['id'],
  }),
}).meta({ description: 'Desired state of a ChangeCatalog.' });
export type ChangeCatalogSpec = z.infer<typeof ChangeCatalogSpec>;

export const ChangeCatalogStatus = z.object({
  ...statusBase,
  items: count('Items listed.').optional(),
  simple: count('Items of category StandardSimple.').optional(),
  complex: count('Items of category StandardComplex.').optional(),
});
export type ChangeCatalogStatus = z.infer<typeof ChangeCatalogStatus>;

export const ChangeCatalog = resource('ChangeCatalog', ChangeCatalogSpec, ChangeCatalogStatus);
export type ChangeCatalog = z.infer<typeof ChangeCatalog>;

/**
 * `sha256:<hex>` of an item as a change is priced from it (id, category, tokens; not its title or
 * description, which price nothing): recorded in `ChangeRequest.spec.catalogStamp.digest`, so a
 * record says which terms it was priced with even after the catalogue was edited or re-created.
 */
export function catalogItemDigest(item: Pick<ChangeCatalogItem, 'id' | 'category' | 'tokens'>): string {
  return `sha256:${createHash('sha256').update(JSON.stringify([item.id, item.category, item.tokens])).digest('hex')}`;
}

/** The domain's items of a catalogue (domain/catalog.ts). */
export function catalogItemsToDomain(catalog: { readonly spec: ChangeCatalogSpec }): CatalogItem[] {
  return catalog.spec.items.map((i) => ({ id: i.id, category: i.category, tokens: i.tokens }));
}

export const changeCatalogKind: KindDefinition = {
  kind: 'ChangeCatalog',
  plural: 'changecatalogs',
  singular: 'changecatalog',
  shortNames: ['ccat'],
  description: 'The change catalogue of a tenant: the standard changes and their price in tokens; a standard ChangeRequest names an item and is priced from it.',
  spec: ChangeCatalogSpec,
  status: ChangeCatalogStatus,
  printerColumns: [
    { name: 'Items', type: 'integer', jsonPath: '.status.items' },
    { name: 'Simple', type: 'integer', jsonPath: '.status.simple', priority: 1 },
    { name: 'Complex', type: 'integer', jsonPath: '.status.complex', priority: 1 },
    readyColumn,
    ageColumn,
  ],
};
