// SLAClaim (slac): the client's claim of a month's credits (issue 13 item 1, domain.md §8, seed
// §8.2: the credits are granted only on the client's claim, within 30 days of the month, for the
// ticketed incidents it names; the provider answers within 30 days of the claim). A record of the
// contract, as an Incident is: kept while its month's report is (the retention finalizer), its
// answer traced (status.history).
//
// Who writes what (src/webhooks): an SLAClaimer contact of the tenant files it; `filedBy` and
// `filedAt` are stamped from the admission request (never from the body; the deadline is judged
// on filedAt); after creation the spec is frozen but for the provider's `answer`, given once,
// `answeredBy`/`answeredAt` stamped. The credit (claims.ts claimCredit / marginalClaimCredits),
// the answer deadline, AtRisk and the amount granted are the controller's, in status.
import { z } from 'zod';
import { CLAIM_ANSWER_DECISIONS } from '../../domain/claims.ts';
import { MAX_REPORT_TICKETS } from './sla-report.ts';
import {
  type KindDefinition, UserInfo, ageColumn, amount, boundedMonth, conditionColumn, doc, instant, localRef, money, percent, readyColumn, resource,
  statusBase, text, time, withRules,
} from './common.ts';
import { historyStatusFields } from './records.ts';

/** At most this many tickets per claim (the report lists at most as many per kind). */
export const MAX_CLAIM_TICKETS = MAX_REPORT_TICKETS;

export const ClaimAnswer = withRules(
  z.object({
    decision: doc(z.enum(CLAIM_ANSWER_DECISIONS), 'Accepted (the claim\'s credit is granted), PartlyAccepted (amount granted, with a reason) or Rejected (nothing, with a reason).'),
    amount: amount('PartlyAccepted: the credit granted, in the contract\'s currency, from 0 to the claim\'s credit (status.creditAmount). Accepted: the claim\'s credit when answered, stamped by the webhook (what the answer grants, whatever a later recount says).').optional(),
    reason: text('Why the claim is partly accepted or rejected (required then).', 4096).optional(),
    answeredBy: doc(UserInfo, 'Who answered: stamped by the webhook from the request (the provider side), never from the body.').optional(),
    answeredAt: instant('When the answer was given: the time of the request (stamped by the webhook).').optional(),
  }),
  'The provider\'s answer (seed §8.2: it confirms in writing the credits granted). Given once: immutable once set.',
  [
    { rule: "self.decision != 'PartlyAccepted' || has(self.amount)", message: 'spec.answer.amount is required for a PartlyAccepted answer', fieldPath: '.amount', reason: 'FieldValueRequired' },
    { rule: "self.decision != 'Rejected' || !has(self.amount)", message: 'spec.answer.amount is not for a Rejected answer', fieldPath: '.amount', reason: 'FieldValueForbidden' },
    { rule: "self.decision == 'Accepted' || has(self.reason)", message: 'spec.answer.reason is required for a PartlyAccepted or Rejected answer', fieldPath: '.reason', reason: 'FieldValueRequired' },
  ],
);
export type ClaimAnswerSpec = z.infer<typeof ClaimAnswer>;

export const SLAClaimSpec = withRules(
  z.object({
    contractRef: localRef('The SupportContract whose credits are claimed (same namespace: the tenant\'s).'),
    month: boundedMonth('The calendar month claimed for, YYYY-MM, in the tenant\'s time zone: over, and its claim deadline (30 days after it, domain.md §8) not passed at filedAt.'),
    incidents: doc(z.array(z.string().min(1).max(253)).min(1).max(MAX_CLAIM_TICKETS), `The ticketed incidents (and change requests) of the month claimed for, by name, each once (seed §8.2), at most ${MAX_CLAIM_TICKETS}: tickets of the month's report.`, { 'x-kubernetes-list-type': 'set' }),
    description: text('The client\'s statement of the claim.', 16384).optional(),
    filedBy: doc(UserInfo, 'Who filed it: set from the admission request, never from the body; on a record the provider re-creates, as it was recorded. Immutable.').optional(),
    filedAt: instant('When it was filed: the time of the request (set by the webhook; the claim deadline is judged on it). Immutable.').optional(),
    answer: doc(ClaimAnswer, 'The provider\'s answer, given once.').optional(),
  }),
  'Desired state of an SLAClaim: frozen once filed, but for the provider\'s answer.',
  [
    { rule: 'self.contractRef == oldSelf.contractRef && self.month == oldSelf.month && self.incidents == oldSelf.incidents', message: 'spec.contractRef, spec.month and spec.incidents are immutable: a claim is filed once (file another for more tickets)', reason: 'FieldValueForbidden' },
    { rule: '!has(oldSelf.filedBy) || (has(self.filedBy) && self.filedBy == oldSelf.filedBy)', message: 'spec.filedBy is immutable once set', fieldPath: '.filedBy', reason: 'FieldValueForbidden' },
    { rule: '!has(oldSelf.filedAt) || (has(self.filedAt) && self.filedAt == oldSelf.filedAt)', message: 'spec.filedAt is immutable once set', fieldPath: '.filedAt', reason: 'FieldValueForbidden' },
    { rule: '!has(oldSelf.answer) || (has(self.answer) && self.answer == oldSelf.answer)', message: 'spec.answer is final once given', fieldPath: '.answer', reason: 'FieldValueForbidden' },
    { rule: '!has(oldSelf.description) || (has(self.description) && self.description == oldSelf.description)', message: 'spec.description is immutable once set', fieldPath: '.description', reason: 'FieldValueForbidden' },
  ],
);
export type SLAClaimSpec = z.infer<typeof SLAClaimSpec>;

const ticketNames = (description: string) => doc(z.array(z.string().min(1).max(253)).max(MAX_CLAIM_TICKETS), description, { 'x-kubernetes-list-type': 'atomic' });

export const ClaimCreditStatus = z.object({
  functions: doc(z.array(z.object({
    name: text('The ManagedFunction.', 253),
    availabilityPercent: percent('Its availability counting the claimed incidents only, 4 decimals.'),
    creditPercent: percent('The GTD credit tier, as a share of its monthly charge.'),
    amount: money('Its credit, after the one-credit-per-incident rule.'),
    incidents: ticketNames('The claimed incidents that interrupted it.'),
  })).max(128), 'GTD per function (domain.md §5), recounted on the claimed incidents.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
  gtr: doc(z.object({
    late: ticketNames('The claimed incidents restored late.'),
    deviationPercent: percent('Their deviation over the month\'s resolved incidents (domain.md §6).'),
    creditPercent: percent('The GTR credit tier.'),
    amount: money('The GTR credit.'),
  }), 'GTR (domain.md §6).'),
  gtc: doc(z.object({
    late: ticketNames('The claimed changes completed late.'),
    amount: money('The GTC credit (50 % of each one\'s price, domain.md §7).'),
  }), 'GTC (domain.md §7).'),
  uncapped: money('The sum before the cap.'),
  cap: money('15 % of the month\'s recurring charge (domain.md §8).'),
  total: money('The credit the claimed tickets give alone, capped.'),
});

export const SLAClaimStatus = z.object({
  ...statusBase,
  credit: doc(ClaimCreditStatus, 'The credit the claimed tickets give under the month\'s final report\'s rules (claims.ts claimCredit): GTD per function, GTR, GTC, one credit per incident, the 15 % cap.').optional(),
  creditAmount: money('What this claim adds to the month\'s claims filed before it (the credit of their union minus theirs): the amount an Accepted answer grants. Equal to credit.total for the month\'s only claim.').optional(),
  currency: doc(z.string().regex(/^[A-Z]{3}$/), 'Currency of every amount.').optional(),
  claimDeadline: time('The month\'s claim deadline (30 days after it, in the tenant\'s time zone).').optional(),
  answerDeadline: time('When the provider must have answered: 30 days after filedAt, in the tenant\'s time zone (seed §8.2).').optional(),
  answerAtRiskAt: time('When 75 % of the time to answer is spent: AtRisk from then while unanswered.').optional(),
  granted: money('The credit the answer grants: creditAmount (Accepted), the amount (PartlyAccepted, at most creditAmount), or 0 (Rejected); absent until answered.').optional(),
  answeredLate: doc(z.boolean(), 'The answer came after answerDeadline.').optional(),
  ...historyStatusFields,
});
export type SLAClaimStatus = z.infer<typeof SLAClaimStatus>;

export const SLAClaim = resource('SLAClaim', SLAClaimSpec, SLAClaimStatus);
export type SLAClaim = z.infer<typeof SLAClaim>;

export const slaClaimKind: KindDefinition = {
  kind: 'SLAClaim',
  plural: 'slaclaims',
  singular: 'slaclaim',
  shortNames: ['slac'],
  description: 'The client\'s claim of a month\'s SLA credits for the tickets it lists; the provider\'s answer; the status holds the credit, the answer deadline and the amount granted.',
  spec: SLAClaimSpec,
  status: SLAClaimStatus,
  printerColumns: [
    { name: 'Contract', type: 'string', jsonPath: '.spec.contractRef.name' },
    { name: 'Month', type: 'string', jsonPath: '.spec.month' },
    { name: 'Credit', type: 'number', jsonPath: '.status.creditAmount' },
    { name: 'Decision', type: 'string', jsonPath: '.spec.answer.decision' },
    { name: 'Granted', type: 'number', jsonPath: '.status.granted' },
    { name: 'Answer-By', type: 'string', format: 'date-time', jsonPath: '.status.answerDeadline', description: 'When the provider must have answered.' },
    conditionColumn('AtRisk', 'AtRisk', '75 % of the time to answer spent, unanswered.', 1),
    { ...readyColumn, priority: 1 },
    ageColumn,
  ],
};
