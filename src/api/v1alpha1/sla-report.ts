// SLAReport (slar): the SLA report of one contract for one calendar month, written by the operator
// only (design.md §1, §3). The status IS the report; once `final` it never changes again.
import { z } from 'zod';
import { CHANGE_CATEGORIES, DETECTIONS, ENVIRONMENTS, FUNCTION_FAMILIES, PRIORITIES, SUPPORT_LEVELS } from '../../domain/vocabulary.ts';

import { EFFORT_BASES } from '../../domain/effort.ts';
import { STATEMENT_LIST_LIMIT } from '../../domain/month-statement.ts';
import { CHARGE_KINDS } from '../../domain/statement.ts';
import { TICKET_TARIFFS } from '../../domain/tickets.ts';
import { CAPACITY_TREND_MONTHS, PACK_LIST_LIMIT } from '../../domain/pack.ts';
import {
  GROUP, type KindDefinition, ageColumn, boundedMonth, count, doc, immutable, immutableOnceSet, localRef, money, month, percent, resource, statusBase, text,
  time, timeZone, withRules,
} from './common.ts';

/**
 * The report's creation on the operator's clock, RFC 3339, stamped by the contract's controller
 * when it creates the report: the report is final 24 h after the later of its month's end and
 * this instant (design.md §3). Absent (a report created by a person or by GitOps):
 * `metadata.creationTimestamp`, the API server's clock.
 */
export const REPORT_CREATED_AT_ANNOTATION = `${GROUP}/created-at`;

/** Bounds that keep the report (and the CEL cost of its "final" rule) finite. */
const MAX_FUNCTIONS = 128;
export const MAX_REPORT_TICKETS = 512;
const MAX_TICKETS = MAX_REPORT_TICKETS;

export const SLAReportSpec = withRules(
  z.object({
    contractRef: localRef('The SupportContract reported on (same namespace).'),
    month: boundedMonth('The calendar month reported on, YYYY-MM, in the tenant\'s time zone.'),
  }),
  'What the report is about. Immutable.',
  [immutable('spec')],
);
export type SLAReportSpec = z.infer<typeof SLAReportSpec>;

/** Seconds in the report: the domain keeps millisecond precision (e.g. 32400.5), so a number. */
const reportSeconds = (description: string) => doc(z.number().min(0), description);

const ticketName = (description: string) => doc(z.string().min(1).max(253), description);

export const FunctionReport = z.object({
  name: ticketName('The ManagedFunction.'),
  family: doc(z.enum(FUNCTION_FAMILIES), 'Its family.'),
  supportLevel: doc(z.enum(SUPPORT_LEVELS), 'Support level of Production.'),
  units: count('Production units counted.'),
  availabilityPercent: percent('Measured availability, 4 decimals.'),
  guaranteePercent: percent('Availability guarantee (GTD).'),
  gapPoints: doc(z.number().min(0), 'Guarantee minus measured, in percentage points; 0 when met.'),
  creditPercent: percent('Credit as a share of the function\'s monthly charge.'),
  creditAmount: money('Credit amount, 2 decimals.'),
  interruptionSeconds: reportSeconds('Interruption time in the month.'),
  excludedSeconds: reportSeconds('Part of it excluded from the commitments.'),
});

export const IncidentReport = z.object({
  name: ticketName('The Incident.'),
  priority: doc(z.enum(PRIORITIES), 'Its priority.'),
  supportLevel: doc(z.enum(SUPPORT_LEVELS), 'Support level of its environment.'),
  deadline: time('Restoration deadline; absent without SLA.').optional(),
  coveredSeconds: reportSeconds('Restoration time counted in the window.'),
  late: doc(z.boolean(), 'Restored after the deadline.'),
  applicable: doc(z.boolean(), 'Whether GTR applies.'),
  reason: text('Why GTR does not apply.', 256).optional(),
});

export const ChangeReport = z.object({
  name: ticketName('The ChangeRequest.'),
  category: doc(z.enum(CHANGE_CATEGORIES), 'Its category.'),
  accelerated: doc(z.boolean(), 'Whether it was accelerated (and the acceleration accepted).'),
  supportLevel: doc(z.enum(SUPPORT_LEVELS), 'Support level of its environment when it was requested (domain.md §3).'),
  deadline: time('Completion deadline; absent without SLA.').optional(),
  coveredSeconds: reportSeconds('Change time counted in business hours.'),
  late: doc(z.boolean(), 'Completed after the deadline.'),
  applicable: doc(z.boolean(), 'Whether GTC applies.'),
  reason: text('Why GTC does not apply (Applicable when it does).', 256).optional(),
  tokensCharged: count('Tokens charged: catalogue tokens ×2 outside business hours, ×2 accelerated (domain.md §10).'),
  price: money('Its price at the token price of the month it is charged in (domain.md §7, §10).'),
});

const byName = { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] };

/** Counts keyed by each value of a vocabulary (every key present, 0 when none). */
const countsOf = <K extends string>(keys: readonly K[], description: string) =>
  doc(z.object(Object.fromEntries(keys.map((k) => [k, count(`Of ${k}.`)])) as Record<K, ReturnType<typeof count>>), description);

/** A list of the pack capped at PACK_LIST_LIMIT rows, with the count left out. */
const cappedList = <T extends z.ZodType>(item: T, description: string) => doc(z.object({
  items: doc(z.array(item).max(PACK_LIST_LIMIT), `At most ${PACK_LIST_LIMIT} rows.`, { 'x-kubernetes-list-type': 'atomic' }),
  more: count('Rows left out beyond them ("and N more").'),
}), description);

/** A resource's list of the capacity section: the units by p95, highest first. */
const capacityList = (resource: string) => cappedList(z.object({
  unit: ticketName('The ServiceUnit.'),
  p95: doc(z.number(), `The month's 95th percentile of its ${resource} query's samples (nearest rank: a measured value), in the query's unit.`).optional(),
  baseline: doc(z.number(), `The mean p95 of the ${CAPACITY_TREND_MONTHS} months before that have samples.`).optional(),
  trendPercent: doc(z.number(), '(p95 − baseline) / baseline, in percent, 2 decimals; absent without both or with a baseline of 0.').optional(),
  reason: text('Why there is no p95: no samples in the month, or the query\'s error.', 1024).optional(),
}), `${resource}: the units by p95, highest first (without a p95 last).`);

/** The capacity section (domain/pack.ts CapacitySection, design.md §3 "The monthly pack"). */
const CapacityStatus = withRules(z.object({
  available: doc(z.boolean(), 'True: the numbers were read from Prometheus; false: `reason` says why there are none.'),
  reason: text('Why there are no numbers (no Prometheus configured, Prometheus unreachable when the report was made final, not read yet).', 2048).optional(),
  cpu: capacityList('CPU').optional(),
  memory: capacityList('memory').optional(),
  disk: capacityList('disk').optional(),
}), `Capacity (issue 16): per resource, the units' p95 of the month from the operator's configured PromQL queries, and its trend against the ${CAPACITY_TREND_MONTHS} months before; read when the report is made final and sealed with it.`, [
  { rule: 'self.available || has(self.reason)', message: 'capacity: a section without numbers says why (reason)', reason: 'FieldValueRequired' },
]);

/** The monthly pack (domain/pack.ts, design.md §3 "The monthly pack"): the committee's view of the month. */
const MonthlyPackStatus = doc(z.object({
  month: month('The month, YYYY-MM.'),
  currency: doc(z.string().min(3).max(3), 'ISO 4217 code of every amount.'),
  volumes: doc(z.object({
    incidents: doc(z.object({
      total: count('Incidents opened in the month (tenant\'s time zone).'),
      byPriority: countsOf(PRIORITIES, 'By priority.'),
      byEnvironment: countsOf(ENVIRONMENTS, 'By environment (Production when any of its units is).'),
      byDetection: countsOf(DETECTIONS, 'By detection (domain.md §9).'),
    }), 'The month\'s incidents.'),
    changes: doc(z.object({ total: count('The report\'s changes.'), byCategory: countsOf(CHANGE_CATEGORIES, 'By category.') }), 'The month\'s changes.'),
    tokens: doc(z.object({ pack: count('The pack.'), used: count('Used.'), extra: count('Beyond the pack.'), extraAmount: money('Their price.') }), 'The report\'s token ledger (domain.md §10).'),
    releases: doc(z.array(z.object({
      supportLevel: doc(z.enum(SUPPORT_LEVELS), 'The support level.'), count: count('Releases.'), quota: count('Included per month.'), overQuota: count('Beyond the quota.'),
    })).max(SUPPORT_LEVELS.length), 'The report\'s releases against the quota (seed Table 1); empty when none.', { 'x-kubernetes-list-type': 'atomic' }),
  }), 'Volumes.'),
  gtd: doc(z.array(z.object({
    name: ticketName('The ManagedFunction.'),
    availabilityPercent: percent('Measured, 4 decimals.'),
    guaranteePercent: percent('Guaranteed.'),
    met: doc(z.boolean(), 'At or above the guarantee.'),
    creditAmount: money('Its credit.'),
  })).max(MAX_FUNCTIONS), 'GTD per function, the report\'s figures.', { 'x-kubernetes-list-type': 'atomic' }),
  gtr: doc(z.object({ resolved: count('Resolved.'), late: count('Late.'), deviationPercent: percent('Deviation.'), creditAmount: money('Credit.') }), 'GTR, the report\'s figures.'),
  gtc: doc(z.object({ completed: count('Completed.'), late: count('Late.'), creditAmount: money('Credit.') }), 'GTC, the report\'s figures.'),
  nonProduction: doc(z.object({
    incidentsTimed: count('Non-production incidents timed.'), incidentsLate: count('Of those, late.'),
    changesTimed: count('Non-production changes timed.'), changesLate: count('Of those, late.'),
  }), 'The non-production timers, without penalties (domain.md §8).'),
  majorIncidents: cappedList(z.object({
    name: ticketName('The Incident.'),
    openedAt: time('Opened.'),
    resolvedAt: time('Resolved, if known.').optional(),
    units: doc(z.array(ticketName('A ServiceUnit.')).max(64), 'Its units.', { 'x-kubernetes-list-type': 'atomic' }),
  }), 'The P1 incidents opened in the month, by opening.'),
  problems: doc(z.object({
    opened: count('Opened in the month.'), closed: count('Closed in the month.'), openAtEnd: count('Open at the month\'s end.'),
    list: cappedList(z.object({ name: text('The Problem.', 253), state: doc(z.enum(['Open', 'Closed']), 'Its state.'), summary: text('Its summary.', 1024) }), 'The Problems, by name.'),
  }), 'The month\'s Problems (seed §5.4).'),
  maintenance: cappedList(z.object({
    window: ticketName('The MaintenanceWindow.'), start: time('Start.'), end: time('End.'), units: count('Units it covers.'),
  }), 'The agreed maintenance occurrences that ran in the month, by start.'),
  credits: doc(z.object({ uncapped: money('Before the cap.'), capPercent: percent('The cap\'s share.'), cap: money('The cap.'), total: money('Owed.') }), 'The report\'s credits (domain.md §8).'),
  capacity: CapacityStatus.optional(),
}), 'The monthly pack (design.md §3 "The monthly pack", issue 16): volumes, guarantees, major incidents, Problems, maintenance, credits and capacity of the month, for the client\'s committee; `kubectl managedapps report -o pack` renders it as text, `-o html|pdf` as a page. Sealed with the rest of a final report; absent from reports sealed before it existed.');

/** Recurring lines: one per function and per fee (at most 32 fees: support-contract.ts). */
const MAX_STATEMENT_LINES = 2 * MAX_FUNCTIONS;
const statementRatio = (description: string) => doc(z.number().min(0), description);
const syntecIndexValue = (description: string) => doc(z.number().min(0), description);

/** The monthly statement (domain/statement.ts, design.md §3 "The monthly statement", issue 13 item 4): what the month costs, excluding tax. */
const MonthlyStatementStatus = doc(z.object({
  month: month('The month, YYYY-MM.'),
  currency: doc(z.string().regex(/^[A-Z]{3}$/), 'ISO 4217 code of every amount.'),
  revision: doc(z.object({
    anniversary: doc(z.iso.date(), 'The contract\'s anniversary whose SYNTEC revision is in force (YYYY-MM-DD); absent before the first.').optional(),
    index: syntecIndexValue('S1: the SYNTEC index of that anniversary\'s year (or the last listed before it).').optional(),
    hostingFactor: statementRatio('The product of the specific revisions of physically hosted units in force (seed §9.3.2); 1 without.'),
  }), 'The price revisions in force in the month (seed §9.3).'),
  recurring: doc(z.object({
    lines: doc(z.array(z.object({
      name: text('The ManagedFunction charged, or the monthly fee\'s name.', 253),
      kind: doc(z.enum(CHARGE_KINDS), 'What it pays for; SYNTEC does not revise Backup and Support (seed §9.3.1).'),
      since: month('The month its base price took effect (the contract\'s start, or the amendment\'s month): agreed at the SYNTEC index of that month\'s year.'),
      baseIndex: syntecIndexValue('S0: the SYNTEC index of that year (or the last listed before it); absent when the contract lists none.').optional(),
      base: money('Its base monthly price, agreed at `since`.'),
      ratio: statementRatio('S1/S0 for a revised kind (1 before the first anniversary after `since`), times hostingFactor for a physically hosted unit.'),
      amount: money('base × ratio, rounded to the cent once.'),
    })).max(MAX_STATEMENT_LINES), 'One line per function charge and per monthly fee of the month\'s terms.', { 'x-kubernetes-list-type': 'atomic' }),
    subtotal: money('Sum of the lines.'),
    minimum: money('The monthly billing minimum of the month\'s terms (seed §9.2); absent: none.').optional(),
    minimumTopUp: money('What brings the subtotal up to the minimum; 0 when it reaches it.'),
    total: money('subtotal + minimumTopUp.'),
  }), 'The recurring charges (seed §9.2, §9.3).'),
  tokens: doc(z.object({
    pack: count('Tokens of the month\'s pack.'),
    fromChanges: count('Tokens charged by the changes completed in the month (the report\'s ledger).'),
    fromEffort: count('Tokens of billable effort (effort below).'),
    used: count('fromChanges + fromEffort.'),
    extra: count('Beyond the pack.'),
    unitPrice: money('The on-demand token price of the month (never revised).'),
    amount: money('extra × unitPrice.'),
  }), 'Tokens (domain.md §10).'),
  tickets: doc(z.object({
    quota: count('Tickets included in the month (SupportContract spec.monthlyTickets of the month\'s terms; 0 without a quota, then none is billed).'),
    used: count('Incidents reported by the client (detection Client) opened in the month.'),
    overage: count('Beyond the quota.'),
    tariff: doc(z.enum(TICKET_TARIFFS), 'The highest support level among the tenant\'s environments in the month (seed §9.6).'),
    unitPrice: money('The unit ticket price of the tariff.'),
    amount: money('overage × unitPrice.'),
    incidents: doc(z.array(ticketName('An Incident.')).max(STATEMENT_LIST_LIMIT), `The tickets counted, by name (at most ${STATEMENT_LIST_LIMIT}).`, { 'x-kubernetes-list-type': 'atomic' }),
    omitted: count(`Tickets left out of incidents (more than ${STATEMENT_LIST_LIMIT}); absent when none is.`).optional(),
  }), 'Incident tickets (seed §9.5, §9.6).'),
  effort: doc(z.object({
    lines: doc(z.array(z.object({
      name: ticketName('The Incident.'),
      basis: doc(z.enum(EFFORT_BASES), 'Why its time is billed (seed §8.4.4 c–d, §5.11.5).'),
      workMinutes: count('The work time recorded (Incident spec.workMinutes).'),
      billedMinutes: doc(z.number().min(0), 'The part billed (half of it when shared).'),
      tokens: count('billedMinutes in tokens of 30 minutes, rounded up.'),
    })).max(STATEMENT_LIST_LIMIT), `The incidents resolved in the month whose time is billed, by name (at most ${STATEMENT_LIST_LIMIT}).`, { 'x-kubernetes-list-type': 'atomic' }),
    omitted: count(`Lines left out (more than ${STATEMENT_LIST_LIMIT}); absent when none is. tokens counts them all.`).optional(),
    tokens: count('Their tokens, in tokens.fromEffort.'),
  }), 'Billable effort, in tokens.'),
  minimumRevenue: doc(z.object({
    runYear: count('The run year just ended (1 for the first).'),
    annualMinimum: money('80 % of the contract\'s global run revenue, over its run years.'),
    billed: money('What the year\'s 12 statements billed, excluding tax, credits deducted, differentials left out.'),
    carriedIn: money('The excess of the years before, counted toward this one.'),
    shortfall: money('annualMinimum − billed − carriedIn when positive: billed on this statement.'),
    carriedOut: money('The excess counted toward the next run year.'),
  }), 'The yearly check of the minimum guaranteed revenue (seed §9.4), on the last month of a run year when the contract states its global run revenue; absent otherwise.').optional(),
  credits: doc(z.object({
    granted: doc(z.array(z.object({
      claim: ticketName('The SLAClaim.'),
      amount: money('The amount it granted.'),
    })).max(STATEMENT_LIST_LIMIT), `The claims answered in the month with a credit granted, by name (at most ${STATEMENT_LIST_LIMIT}).`, { 'x-kubernetes-list-type': 'atomic' }),
    omitted: count(`Claims left out of granted (more than ${STATEMENT_LIST_LIMIT}); absent when none is. available counts them all.`).optional(),
    carriedIn: money('Left over from the previous month\'s statement (its carriedOut).'),
    available: money('Granted plus carried in.'),
    deducted: money('What this statement deducts: at most its total before credits.'),
    carriedOut: money('What is left for the next statement.'),
  }), 'Credits granted by answered claims, deducted (seed §8.2).'),
  totals: doc(z.object({
    beforeCredits: money('Recurring + tokens + tickets + shortfall.'),
    credits: money('Credits deducted.'),
    excludingTax: money('beforeCredits − credits.'),
  }), 'The totals, excluding tax.'),
  missing: doc(z.array(month('A month.')).max(12), 'Months whose statement the computation needed (the previous month\'s carried credits, a run year\'s statements) but whose report or statement does not exist: counted as 0, never guessed; condition StatementComplete=False. Absent when none is.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
}), 'The monthly statement (design.md §3 "The monthly statement", issue 13 item 4): recurring charges, tokens, tickets, billable effort, minimum revenue, credits and totals excluding tax. Provisional (recomputed) while the report is not final; frozen and sealed with it. Absent from reports sealed before it existed (REPORT_RULES 4).');

/** One reading of a function's month's end in the forecast. */
const ForecastFigures = (description: string) => doc(z.object({
  availabilityPercent: percent('Availability at the month\'s end, 4 decimals.'),
  gapPoints: doc(z.number().min(0), 'Guarantee minus it, in percentage points; 0 when met.'),
  creditPercent: percent('Its credit tier, as a share of the function\'s monthly charge.'),
  creditAmount: money('Credit amount, before the one-credit-per-incident rule.'),
}), description);

const ForecastCredits = (description: string) => doc(z.object({
  uncapped: money('Sum of the credits before the cap.'),
  cap: money('The cap amount.'),
  total: money('Credits owed.'),
}), description);

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA256_HEX_OR_EMPTY = /^([0-9a-f]{64})?$/;

export const SLAReportStatus = withRules(
  z.object({
    ...statusBase,
    period: doc(z.object({
      month: month('The month, YYYY-MM.'),
      start: time('First instant of the month in timeZone.'),
      end: time('First instant of the next month in timeZone.'),
      timeZone: timeZone('The tenant\'s time zone.'),
    }), 'The calendar month reported on.').optional(),
    final: doc(z.boolean(), 'The month is closed: the report no longer changes.').optional(),
    currency: doc(z.string().regex(/^[A-Z]{3}$/), 'Currency of every amount.').optional(),
    functions: doc(z.array(FunctionReport).max(MAX_FUNCTIONS), 'Availability (GTD) per ManagedFunction.', byName).optional(),
    gtr: doc(z.object({
      resolved: count('Incidents resolved in the month that GTR applies to.'),
      late: count('Of those, restored late.'),
      deviationPercent: percent('late / resolved, or late / 5 under 5 incidents (domain.md §6).'),
      creditPercent: percent('Credit as a share of the production units\' monthly charge.'),
      creditAmount: money('Credit amount.'),
      incidents: doc(z.array(IncidentReport).max(MAX_TICKETS), `Each incident of the month, at most ${MAX_TICKETS}: beyond, the late ones first, then those GTR applies to, then the others, by name; the counts above include those left out.`, byName).optional(),
      omitted: count(`Incidents of the month left out of incidents (more than ${MAX_TICKETS}); absent when none is.`).optional(),
    }), 'Time to restore (GTR).').optional(),
    gtc: doc(z.object({
      completed: count('Changes completed in the month that GTC applies to.'),
      late: count('Of those, completed late.'),
      creditAmount: money('Credit amount: 50 % of the price of each late change.'),
      changes: doc(z.array(ChangeReport).max(MAX_TICKETS), `Each change of the month, at most ${MAX_TICKETS}: beyond, the late ones first, then those GTC applies to, then the others, by name; the counts above include those left out.`, byName).optional(),
      omitted: count(`Changes of the month left out of changes (more than ${MAX_TICKETS}); absent when none is.`).optional(),
    }), 'Time to change (GTC).').optional(),
    tokens: doc(z.object({
      pack: count('Tokens of the month\'s pack (0 after the commitment ends: domain.md §10).'),
      used: count('Tokens charged by the changes completed in the month.'),
      extra: count('Tokens beyond the pack, billed at the month\'s token price.'),
      extraAmount: money('Price of the extra tokens.'),
    }), 'The month\'s token ledger (domain.md §10), with the month\'s pack and price.').optional(),
    credits: doc(z.object({
      uncapped: money('Sum of the credits before the cap.'),
      capPercent: percent('The cap, as a share of the month\'s recurring charge.'),
      cap: money('The cap amount.'),
      total: money('Credits granted on claim.'),
    }), 'Credits of the month.').optional(),
    claimDeadline: time('Last instant to claim the credits (30 days after the month).').optional(),
    amended: doc(z.array(z.object({
      kind: doc(z.enum(['Incident', 'ChangeRequest']), 'The record\'s kind.'),
      name: text('The record\'s name.', 253),
      fields: doc(z.array(z.string().min(1).max(64)).max(16), 'Its SLA fields changed after it was resolved or completed (its status.history has who, when, old → new).', { 'x-kubernetes-list-type': 'atomic' }),
    })).max(2 * MAX_TICKETS), 'The month\'s incidents and changes whose SLA fields changed after they were resolved or completed (issue 12: records are traced); absent when none is.', { 'x-kubernetes-list-type': 'atomic' }).optional(),
    problems: doc(z.array(z.object({
      name: text('The Problem\'s name.', 253),
      summary: text('Its summary.', 1024),
      state: doc(z.enum(['Open', 'Closed']), 'Open at the month\'s end (or now, within the month), or Closed in the month.'),
      openedAt: time('When it was opened.'),
      closedAt: time('When it was closed, in the month.').optional(),
      incidents: doc(z.array(z.string().min(1).max(253)).max(64), 'The incidents it links.', { 'x-kubernetes-list-type': 'atomic' }),
      change: text('The ChangeRequest that fixes it.', 253).optional(),
    })).max(MAX_TICKETS), `The month's Problems (seed §5.4), at most ${MAX_TICKETS}: those open during the month and those closed in it, by name; absent when none is.`, { 'x-kubernetes-list-type': 'atomic' }).optional(),
    releases: doc(z.array(z.object({
      supportLevel: doc(z.enum(SUPPORT_LEVELS), 'The support level.'),
      count: count('Releases of the month on the environments of that level (by the month of their request).'),
      quota: count('Releases included per month at that level (seed Table 1).'),
      overQuota: count('Of those, beyond the quota: billed as changes (seed §5.5).'),
    })).max(SUPPORT_LEVELS.length), 'The month\'s releases per support level against the quota (seed Table 1): the levels in force, and any other a release was on; absent when the month has none.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['supportLevel'] }).optional(),
    nonProduction: doc(z.object({
      incidents: doc(z.object({
        timed: count('Non-production incidents of the month whose restoration time is kept.'),
        resolved: count('Of those, resolved in the month.'),
        late: count('Of those, restored late or still open past their deadline.'),
        lateIncidents: doc(z.array(ticketName('An Incident.')).max(MAX_TICKETS), `The late ones, by opening (at most ${MAX_TICKETS}).`, { 'x-kubernetes-list-type': 'atomic' }),
      }), 'Restoration times in non-production.'),
      changes: doc(z.object({
        timed: count('Non-production changes of the month whose change time is kept.'),
        completed: count('Of those, completed (or quoted) in the month.'),
        late: count('Of those, late.'),
        lateChanges: doc(z.array(ticketName('A ChangeRequest.')).max(MAX_TICKETS), `The late ones, by request (at most ${MAX_TICKETS}).`, { 'x-kubernetes-list-type': 'atomic' }),
      }), 'Change times in non-production.'),
    }), 'The month\'s non-production timers, kept without penalties (domain.md §8): never in the deviation, the credits or the cap; absent when the month has none.').optional(),
    forecast: doc(z.object({
      at: time('The instant it was computed at.'),
      monthSeconds: reportSeconds('Seconds in the month (e.g. 2,592,000 for 30 days; a DST month has an hour more or less).'),
      elapsedSeconds: reportSeconds('Seconds of the month elapsed at `at`.'),
      functions: doc(z.array(z.object({
        name: ticketName('The ManagedFunction.'),
        guaranteePercent: percent('Its availability guarantee (GTD).'),
        nothingElse: ForecastFigures('Nothing else happens: the downtime so far over the whole month, the open incidents resolved now (the month-to-date figure).'),
        burnRate: ForecastFigures('At the month\'s burn rate so far: each unit\'s downtime so far scaled to its whole subscribed month.'),
      })).max(MAX_FUNCTIONS), 'Per ManagedFunction.', byName),
      gtr: doc(z.object({
        resolved: count('Incidents GTR applies to resolved in the month, the open ones included.'),
        late: count('Of those, late: resolved late, or open past their deadline.'),
        deviationPercent: percent('late / resolved, or late / 5 under 5 incidents (domain.md §6).'),
        creditPercent: percent('Credit as a share of the production units\' monthly charge.'),
        creditAmount: money('Credit amount, before the one-credit-per-incident rule.'),
        open: doc(z.array(z.object({
          name: ticketName('The Incident.'),
          resolveAt: time('Its projected resolution: when 75 % of its guaranteed time is spent, or `at` when that is past.'),
          deadline: time('Its restoration deadline.').optional(),
          late: doc(z.boolean(), 'Already past its deadline: late however soon it is resolved.'),
        })).max(MAX_TICKETS), `The open incidents GTR applies to, by opening (at most ${MAX_TICKETS}).`, byName),
      }), 'The GTR deviation if the open incidents are resolved at their at-risk projection.'),
      gtcCreditAmount: money('GTC credits of the changes late so far (changes are not projected).'),
      credits: doc(z.object({
        nothingElse: ForecastCredits('If nothing else happens.'),
        burnRate: ForecastCredits('At the month\'s burn rate so far.'),
      }), 'The contract\'s credits in each case: GTD, the GTR forecast and GTC under the one-credit-per-incident rule and the cap (domain.md §8).'),
    }), 'Where the month is heading (design.md §3 "Forecast"): only while the month runs, absent once it has ended, so never in a final report.').optional(),
    pack: MonthlyPackStatus.optional(),
    statement: MonthlyStatementStatus.optional(),
    rules: doc(z.number().int().min(1).max(1_000_000), 'The version of the operator\'s reporting rules the report was computed under (design.md §3 "Seals"); absent: 1. `verify` compares a month sealed under other rules as notes.').optional(),
    seal: doc(z.object({
      sha256: doc(z.string().regex(SHA256_HEX), 'SHA-256 (lowercase hex) of the RFC 8785 canonical form of {"previous": previous, "report": this status without conditions, observedGeneration and seal}.'),
      previous: doc(z.string().regex(SHA256_HEX_OR_EMPTY), 'The previous month\'s seal.sha256; empty for the contract\'s first month.'),
    }), 'The seal of a final report (design.md §3 "Seals"), written by the operator when it finalizes, in month order; `managedapps verify` checks it.').optional(),
  }),
  'The report (design.md §3).',
  [
    { rule: '!has(oldSelf.final) || !oldSelf.final || self == oldSelf', message: 'status is final: a closed month\'s report no longer changes', reason: 'FieldValueForbidden' },
    { rule: '!has(self.seal) || (has(self.final) && self.final)', message: 'status.seal: only a final report is sealed', reason: 'FieldValueForbidden' },
    immutableOnceSet('seal', 'status.seal'),
  ],
);
export type SLAReportStatus = z.infer<typeof SLAReportStatus>;

export const SLAReport = resource('SLAReport', SLAReportSpec, SLAReportStatus);
export type SLAReport = z.infer<typeof SLAReport>;

export const slaReportKind: KindDefinition = {
  kind: 'SLAReport',
  plural: 'slareports',
  singular: 'slareport',
  shortNames: ['slar'],
  description: 'The SLA report of one contract for one calendar month, named <contract>-<YYYY-MM>, written by the operator.',
  spec: SLAReportSpec,
  status: SLAReportStatus,
  rootRules: [
    {
      rule: "self.metadata.name == self.spec.contractRef.name + '-' + self.spec.month",
      // No fieldPath: the schema of metadata has no properties to point into.
      message: 'metadata.name must be <spec.contractRef.name>-<spec.month>',
    },
  ],
  printerColumns: [
    { name: 'Contract', type: 'string', jsonPath: '.spec.contractRef.name' },
    { name: 'Month', type: 'string', jsonPath: '.spec.month' },
    { name: 'Final', type: 'boolean', jsonPath: '.status.final' },
    { name: 'Credits', type: 'number', jsonPath: '.status.credits.total' },
    { name: 'Currency', type: 'string', jsonPath: '.status.currency', priority: 1 },
    { name: 'GTD', type: 'string', jsonPath: '.status.conditions[?(@.type=="GTDMet")].status', priority: 1 },
    { name: 'GTR', type: 'string', jsonPath: '.status.conditions[?(@.type=="GTRMet")].status', priority: 1 },
    { name: 'GTC', type: 'string', jsonPath: '.status.conditions[?(@.type=="GTCMet")].status', priority: 1 },
    ageColumn,
  ],
};
