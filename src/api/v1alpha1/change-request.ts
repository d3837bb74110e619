// ChangeRequest (chg): a change on service units, priced in tokens (design.md §1, domain.md §7, §10).
import { z } from 'zod';
import { RESTORE_CATALOG_ITEM, RESTORE_CATEGORIES, RESTORE_INITIATOR } from '../../domain/backup.ts';
import { MAX_CHANGE_TOKENS, SIMPLE_CHANGE_TOKENS } from '../../domain/limits.ts';
import { PATCH_INITIATOR, PATCH_UNIT_LEVELS } from '../../domain/patching.ts';
import { RELEASES_PER_MONTH, RELEASE_UNIT_LEVEL } from '../../domain/releases.ts';
import { CHANGE_CATEGORIES, INITIATORS, SUPPORT_LEVELS } from '../../domain/vocabulary.ts';
import {
  type KindDefinition, UserInfo, ageColumn, boundedCount, conditionColumn, count, doc, immutable, immutableOnceSet, instant, localRef, localRefs,
  money, objectName, readyColumn, resource, seconds, statusBase, text, time, withRules,
} from './common.ts';
import { Exclusion } from './incident.ts';
import { CATALOG_DIGEST_PATTERN } from './change-catalog.ts';
import { historyStatusFields } from './records.ts';
import { Runbook } from './runbook.ts';

/** What `spec.approval.scopeDigest` holds: `sha256:<hex>` of the approved scope (change-scope.ts scopeDigest). */
export const SCOPE_DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export const APPROVAL_DECISIONS = ['Approved', 'Rejected'] as const;
export const VALIDATION_DECISIONS = ['Accepted', 'Refused'] as const;
// Failed (issue 14 item 3): its runbook's Job failed (status.runbook.message); appended, so the earlier phases keep their order.
export const CHANGE_PHASES = ['AwaitingApproval', 'AwaitingValidation', 'Accepted', 'Completed', 'Rejected', 'Refused', 'Failed'] as const;
export type ChangePhase = (typeof CHANGE_PHASES)[number];

const contactName = (description: string) => doc(z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), description);

export const Approval = z.object({
  decision: doc(z.enum(APPROVAL_DECISIONS), 'Approved or Rejected.'),
  approvedBy: contactName('Name of the ChangeApprover contact of the ManagedTenant who decided.'),
  decidedAt: instant('When the client decided; before the change is implemented (domain.md §10).'),
  comment: text('Comment of the approver.', 1024).optional(),
  scopeDigest: doc(z.string().regex(SCOPE_DIGEST_PATTERN), 'Digest of the scope approved (units, category, catalogue item, tokens, window, summary, description, related incident): set by the webhook, never from the body. A change of the scope afterwards voids the approval.').optional(),
});

export const Validation = z.object({
  decision: doc(z.enum(VALIDATION_DECISIONS), 'Accepted (quoted) or Refused by the provider.'),
  validatedBy: text('Who validated on the provider side.', 253),
  validatedAt: instant('When the provider answered: ends the quote clock (domain.md §7).'),
  quoteTokens: boundedCount('Tokens quoted for the change.', MAX_CHANGE_TOKENS, 1).optional(),
  comment: text('Reason for a refusal, or notes on the quote.', 1024).optional(),
});

/**
 * A patch campaign (issue 14 item 2, seed §5.9.2): patches and service packs the provider tested,
 * proposed on OS, Database or Middleware units; the client validates (spec.approval Approved) or
 * declines (Rejected) their application. A declined campaign stays a record; an incident it
 * causes names it (Incident spec.declinedPatchRef) and is the client's (seed §9.10).
 */
export const PatchCampaign = z.object({
  patches: doc(z.array(text('A patch or service pack, e.g. its identifier (KB5034441, RHSA-2026:1234) and what it fixes.', 256)).min(1).max(64), 'The patches and service packs of the campaign, tested by the provider before they are proposed (seed §5.9.2).', { 'x-kubernetes-list-type': 'atomic' }),
  testedAt: instant('When the provider finished testing them (seed §5.9.2: tested and validated by the provider first).').optional(),
});
export type PatchCampaign = z.infer<typeof PatchCampaign>;

/** The catalogue item a standard change was priced from, stamped by the mutating webhook at creation. */
export const CatalogStamp = z.object({
  catalog: objectName('Name of the ChangeCatalog of the namespace.'),
  generation: doc(z.int().min(1).max(2 ** 53 - 1), 'Its metadata.generation when the change was created.'),
  digest: doc(z.string().regex(CATALOG_DIGEST_PATTERN), 'sha256 of the item priced (id, category, tokens: catalogItemDigest).'),
});

export const PRICE_SOURCES = ['CatalogStamp', 'Catalog', 'Recorded', 'Quote'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

export const ChangeRequestSpec = withRules(
  z.object({
    unitRefs: localRefs('The ServiceUnits changed (same namespace).', 64, 1),
    category: doc(z.enum(CHANGE_CATEGORIES), 'StandardSimple (catalogue, 1 token), StandardComplex (catalogue, more than 1 token) or NonStandard (quoted, validated by the provider) (domain.md §7).'),
    catalogItem: text('Identifier of the item of the change catalogue; required for standard changes.', 128).optional(),
    summary: text('What to change, in one line.', 1024),
    description: text('Details.', 16384).optional(),
    tokens: boundedCount(`Price in tokens of 30 minutes, before multipliers: exactly ${SIMPLE_CHANGE_TOKENS} for StandardSimple, more for StandardComplex (at most ${MAX_CHANGE_TOKENS}); the quote for NonStandard. For a standard change in a namespace with a ChangeCatalog, stamped by the webhook at creation from the item spec.catalogItem names (whatever the body says), then frozen (spec.catalogStamp).`, MAX_CHANGE_TOKENS, 1).optional(),
    accelerated: doc(z.boolean(), 'Accelerated: shorter deadline, price ×2, a few a year (domain.md §10).').default(false),
    outsideBusinessHours: doc(z.boolean(), 'Executed outside business hours: price ×2 (domain.md §10).').default(false),
    release: withRules(z.boolean(), `A release of a managed application (seed Table 1): on units at level ${RELEASE_UNIT_LEVEL} only; the releases of a calendar month count against ${SUPPORT_LEVELS.map((l) => `${RELEASES_PER_MONTH[l]} (${l})`).join(', ')} by the support level of the change's environment; within the quota it is included (0 tokens), over it it is billed as a change (seed §5.5). Immutable.`, [immutable('spec.release')]).default(false),
    initiator: withRules(z.enum(INITIATORS), 'Client or Provider; a provider change needs the client\'s approval first (domain.md §10). Immutable.', [immutable('spec.initiator')]).default('Client'),
    patch: doc(PatchCampaign, `A patch campaign (seed §5.9.2): a provider change on ${PATCH_UNIT_LEVELS.join(', ')} units that the client validates or declines (spec.approval). Immutable: a change is a patch campaign from its creation or never.`).optional(),
    relatedIncident: localRef('The Incident this change resolves (a change for a P1 is approved afterwards).').optional(),
    requestedAt: instant('When the change was requested: the start of the GTC clock. Immutable.', [immutable('spec.requestedAt')]),
    approval: doc(Approval, "The client's decision on a provider-initiated change.").optional(),
    validation: doc(Validation, "The provider's validation (and quote) of a non-standard change.").optional(),
    completedAt: instant('When the provider notified completion: the end of the GTC clock.').optional(),
    exclusions: doc(z.array(Exclusion).max(32), 'Periods where the commitment does not apply (domain.md §10, e.g. waiting on the client): subtracted from the change time, they push the GTC deadline. Written by the provider; traced.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
    requester: doc(UserInfo, 'Who requested the change: set from the admission request, never from the body. Immutable once set.').optional(),
    // The change catalogue (issue 14 item 5, change-catalog.ts): the terms the change was priced with.
    catalogStamp: doc(CatalogStamp, 'The catalogue item the change was priced from: set by the webhook at creation (with spec.tokens), never from the body; immutable. Absent: priced from spec.tokens as recorded (a change older than its catalogue), or from the catalogue as it is (created before it).').optional(),
    // issue 14 item 3: the Job that carries the change out (api/v1alpha1/runbook.ts, design.md "Runbooks").
    runbook: doc(Runbook, 'The batch/v1 Job the operator creates in this namespace when the change may run (approved if provider-initiated, validated if non-standard; the P1 exception at once) and inside its window\'s agreed occurrence or the administration window; its success is the change\'s completion (spec.completedAt), its failure the phase Failed and the rollback Job. Written by the provider; part of what the client approves.').optional(),
  }),
  'Desired state of a ChangeRequest.',
  [
    // A standard change's tokens come from its catalogue item (stamped by the webhook); absent, the controller prices it from the catalogue.
    { rule: `self.category != 'StandardSimple' || !has(self.tokens) || self.tokens == ${SIMPLE_CHANGE_TOKENS}`, message: `spec.tokens: a StandardSimple change is exactly ${SIMPLE_CHANGE_TOKENS} token`, fieldPath: '.tokens' },
    { rule: `self.category != 'StandardComplex' || !has(self.tokens) || self.tokens > ${SIMPLE_CHANGE_TOKENS}`, message: `spec.tokens: a StandardComplex change is more than ${SIMPLE_CHANGE_TOKENS} token`, fieldPath: '.tokens' },
    { rule: "!has(self.catalogStamp) || (self.category != 'NonStandard' && has(self.tokens))", message: 'spec.catalogStamp is only for a standard change priced from its catalogue item (with spec.tokens)', fieldPath: '.catalogStamp', reason: 'FieldValueForbidden' },
    immutableOnceSet('catalogStamp', 'spec.catalogStamp'),
    { rule: '!has(oldSelf.catalogStamp) || (has(self.tokens) && self.tokens == oldSelf.tokens && has(self.catalogItem) && self.catalogItem == oldSelf.catalogItem && self.category == oldSelf.category)', message: 'spec.tokens, spec.catalogItem and spec.category are fixed once the change is priced from its catalogue item (spec.catalogStamp): request another change', fieldPath: '.tokens', reason: 'FieldValueForbidden' },
    { rule: "self.category == 'NonStandard' || has(self.catalogItem)", message: 'spec.catalogItem is required for a standard change', fieldPath: '.catalogItem', reason: 'FieldValueRequired' },
    // A restore (seed §5.10, domain/backup.ts): a standard change of the catalogue, decided by the client.
    { rule: `!has(self.catalogItem) || self.catalogItem != '${RESTORE_CATALOG_ITEM}' || self.category in [${RESTORE_CATEGORIES.map((c) => `'${c}'`).join(', ')}]`, message: `spec.category: a restore (catalogItem ${RESTORE_CATALOG_ITEM}) is a standard change of the catalogue, ${RESTORE_CATEGORIES.join(' or ')} (seed §5.10.1)`, fieldPath: '.category' },
    { rule: `!has(self.catalogItem) || self.catalogItem != '${RESTORE_CATALOG_ITEM}' || self.initiator == '${RESTORE_INITIATOR}'`, message: `spec.initiator: a restore (catalogItem ${RESTORE_CATALOG_ITEM}) is decided by the client (seed §5.10.3), initiator ${RESTORE_INITIATOR}`, fieldPath: '.initiator' },
    // domain.md §10 (domain/change.ts accelerationProblem): a non-standard change is quoted, never accelerated.
    { rule: "!self.accelerated || self.category != 'NonStandard'", message: 'spec.accelerated: only a standard change (StandardSimple, StandardComplex) may be accelerated (domain.md §10); a NonStandard change is quoted', fieldPath: '.accelerated', reason: 'FieldValueForbidden' },
    // seed §5.9.2 (domain/patching.ts): a campaign is the provider's, validated by the client; one from its creation.
    { rule: `!has(self.patch) || self.initiator == '${PATCH_INITIATOR}'`, message: `spec.patch: a patch campaign is the provider's (spec.initiator ${PATCH_INITIATOR}), validated or declined by the client (seed §5.9.2)`, fieldPath: '.patch', reason: 'FieldValueForbidden' },
    { rule: 'has(self.patch) == has(oldSelf.patch) && (!has(self.patch) || self.patch == oldSelf.patch)', message: 'spec.patch is immutable: a change is a patch campaign from its creation or never', fieldPath: '.patch', reason: 'FieldValueForbidden' },
    { rule: "!has(self.approval) || self.initiator == 'Provider'", message: 'spec.approval is only for a change with spec.initiator Provider', fieldPath: '.approval', reason: 'FieldValueForbidden' },
    { rule: "!has(self.validation) || self.category == 'NonStandard'", message: 'spec.validation is only for a NonStandard change', fieldPath: '.validation', reason: 'FieldValueForbidden' },
    { rule: '!has(self.completedAt) || timestamp(self.completedAt) >= timestamp(self.requestedAt)', message: 'spec.completedAt must not be before spec.requestedAt', fieldPath: '.completedAt' },
    immutableOnceSet('requester', 'spec.requester'),
    immutableOnceSet('completedAt', 'spec.completedAt'),
    // Ownership (src/webhooks/ownership.ts): a decision is final, an approval is never withdrawn.
    { rule: '!has(oldSelf.approval) || has(self.approval)', message: 'spec.approval cannot be removed: a decision, once made, is final', fieldPath: '.approval', reason: 'FieldValueForbidden' },
    { rule: '!has(oldSelf.completedAt) || self == oldSelf', message: 'spec is frozen once the change is completed (spec.completedAt)', reason: 'FieldValueForbidden' },
    // issue 14 item 3: business hours are the administration window; outside them the change names the window it runs in.
    { rule: '!has(self.runbook) || !self.outsideBusinessHours || has(self.runbook.windowRef)', message: 'spec.runbook.windowRef: a change executed outside business hours names the MaintenanceWindow its runbook runs in', fieldPath: '.runbook', reason: 'FieldValueRequired' },
  ],
);
export type ChangeRequestSpec = z.infer<typeof ChangeRequestSpec>;

const RunbookJobStatus = z.object({
  name: text('The Job\'s name (<change>-run, <change>-rollback), owned by this ChangeRequest.', 253),
  createdAt: time('When the operator created it.').optional(),
  completedAt: time('When it succeeded (the Job\'s completionTime).').optional(),
  failedAt: time('When it failed (its Failed condition).').optional(),
  message: text('The Job\'s own message when it failed.', 4096).optional(),
});

export const RunbookStatus = z.object({
  startAt: time('When the runbook may start: the window occurrence\'s start, the next business hour, or at once (domain/runbook.ts); absent while it waits on a decision.').optional(),
  slot: doc(z.enum(['P1Exception', 'MaintenanceWindow', 'AdministrationWindow']), 'What opened its start: the P1 exception, an agreed occurrence of spec.runbook.windowRef, or the administration window.').optional(),
  job: doc(RunbookJobStatus, 'The Job of spec.runbook.template.').optional(),
  rollback: doc(RunbookJobStatus, 'The Job of spec.runbook.rollback, once the first one failed.').optional(),
  p1Notice: doc(z.object({
    incident: text('The open P1 Incident it resolves (spec.relatedIncident).', 253),
    ranAt: time('When its Job was created, before any approval of the client (domain.md §10).'),
    message: text('What the client is notified of (a P1Exception Event too).', 1024),
  }), 'A provider change run at once for an open P1, without the client\'s prior approval: the client is notified afterwards (domain.md §10).').optional(),
});

export const ChangeRequestStatus = z.object({
  ...statusBase,
  phase: doc(z.enum(CHANGE_PHASES), 'AwaitingApproval, AwaitingValidation, Accepted, Completed, Rejected (by the client) or Refused (by the provider).').optional(),
  supportLevel: doc(z.enum(SUPPORT_LEVELS), 'Support level of the environment, which fixes the deadline.').optional(),
  tokensCharged: count('Tokens charged, multipliers included (outside business hours ×2, accelerated ×2); 0 for a release within its month\'s quota.').optional(),
  release: doc(z.object({
    month: doc(z.string().regex(/^\d{4}-\d{2}$/), 'The calendar month it counts in (of its request, tenant time zone), YYYY-MM.'),
    supportLevel: doc(z.enum(SUPPORT_LEVELS), 'The support level whose quota it counts against.'),
    rank: count('Its rank among the month\'s releases of that level (1 = first).'),
    quota: count('Releases included per month at that level (seed Table 1).'),
    withinQuota: doc(z.boolean(), 'rank ≤ quota: included, 0 tokens; else billed as a change (seed §5.5).'),
  }), 'For a release (spec.release): where it counts against the monthly quota.').optional(),
  priceSource: doc(z.enum(PRICE_SOURCES), 'Where its tokens come from: CatalogStamp (its catalogue item, stamped at creation: spec.catalogStamp), Catalog (the namespace\'s ChangeCatalog as it is now: created before its catalogue, not stamped), Recorded (spec.tokens of a change older than the catalogue), Quote (a NonStandard change: spec.validation.quoteTokens or spec.tokens).').optional(),
  price: money('Price of the change at the pay-as-you-go token price.').optional(),
  currency: doc(z.string().regex(/^[A-Z]{3}$/), 'Currency of the price.').optional(),
  gtcDeadline: time('When the change must be completed (GTC, counted in business hours).').optional(),
  coveredSeconds: seconds('Change time so far, counted in the administration window.').optional(),
  late: doc(z.boolean(), 'The deadline passed before completion.').optional(),
  gtc: doc(z.object({
    applicable: doc(z.boolean(), 'Whether the change-time guarantee applies.'),
    reason: text('Why it does not apply (non-production, Initial level, ...).', 256).optional(),
    timed: doc(z.boolean(), 'GTC does not apply but the change time is kept, without penalties: a non-production change (domain.md §8). Its deadline and late hold; it is never credited.').optional(),
  }), 'Whether GTC applies, and why not.').optional(),
  runbook: doc(RunbookStatus, 'Where the runbook stands (spec.runbook): its Jobs, when it may start, how it ended; the P1 exception\'s notice.').optional(),
  ...historyStatusFields,
});
export type ChangeRequestStatus = z.infer<typeof ChangeRequestStatus>;

export const ChangeRequest = resource('ChangeRequest', ChangeRequestSpec, ChangeRequestStatus);
export type ChangeRequest = z.infer<typeof ChangeRequest>;

export const changeRequestKind: KindDefinition = {
  kind: 'ChangeRequest',
  plural: 'changerequests',
  singular: 'changerequest',
  shortNames: ['chg'],
  description: 'A change on service units: category, tokens, acceleration, approval and validation; the status holds its price and deadline.',
  spec: ChangeRequestSpec,
  status: ChangeRequestStatus,
  printerColumns: [
    { name: 'Category', type: 'string', jsonPath: '.spec.category' },
    { name: 'Tokens', type: 'integer', jsonPath: '.status.tokensCharged' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Deadline', type: 'string', format: 'date-time', jsonPath: '.status.gtcDeadline', description: 'Completion deadline (GTC).' },
    { name: 'Late', type: 'boolean', jsonPath: '.status.late' },
    { name: 'Accelerated', type: 'boolean', jsonPath: '.spec.accelerated', priority: 1 },
    { name: 'Release', type: 'boolean', jsonPath: '.spec.release', priority: 1 },
    { name: 'Job', type: 'string', jsonPath: '.status.runbook.job.name', priority: 1, description: 'The runbook\'s Job, once created.' },
    conditionColumn('Approved', 'Approved', 'Whether the change is approved.', 1),
    { ...readyColumn, priority: 1 },
    ageColumn,
  ],
};
