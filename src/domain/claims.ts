// SLA claims (domain.md §8, seed §8.2): the credits a claim's listed tickets give under the final
// report's rules, its deadlines, the checks of a filing and of an answer, and the month's split of
// credits into owed, claimed, granted and expired. Pure: `now` and `filedAt` are parameters.
//
// The credits of a month are granted only on the client's claim (domain.md §8). A claim names the
// ticketed incidents (and change requests) it claims for; its credit is the month's report
// recomputed as if only those had been late or had interrupted:
//   GTD   each function's availability recounted with the claimed incidents' counted
//         interruptions alone (UnitAvailability.countedIntervals: exclusions already taken out,
//         overlaps counted once), the same tiers (functionAvailability);
//   GTR   the deviation with the claimed late incidents over the month's resolved incidents
//         (gtrDeviationPercent: the provider's count of resolved incidents is the divisor, its
//         records prevailing, seed §8.2), the same tiers;
//   GTC   the credits of the claimed late changes;
// then one credit per incident (oneCreditPerIncident) and the 15 % cap (capCredits). Claiming
// every ticket of the month gives the report's own credits (tested).
import { DateTime } from 'luxon';
import { functionAvailability, type CountedInterruption, type UnitAvailability } from './availability.ts';
import { monthPeriod } from './calendar.ts';
import { capCredits, claimDeadline, oneCreditPerIncident } from './credits.ts';
import { CLAIM_ANSWER_DAYS } from './guarantees.ts';
import { totalSeconds, union, type Interval } from './interval.ts';
import { percentOf, roundAmount } from './money.ts';
import { productionChargeOf, recurringChargeOf, reportClosedAt, type ReportInput } from './report.ts';
import { gtrCreditPercent, gtrDeviationPercent } from './restoration.ts';
import { RESTORATION_AT_RISK_RATIO } from './risk.ts';
import { evaluateTenant, type TenantEvaluation } from './tenant.ts';

// ---------------------------------------------------------------------------------------------
// Readings and thresholds

/**
 * seed §8.2 "seuls les incidents ayant fait l'objet d'un ticket". **Reading**: a claim may name
 * the month's change requests too (a change request is a ticket of the desk, seed §5.5, and GTC
 * credits are per change); a name is claimable when the month's report lists it (its GTR or GTC
 * rows) or when its interruption counted against a function that month (a P1 opened in the month
 * and resolved in the next is in the next month's GTR rows, but interrupted this one).
 */
export const CLAIMS_NAME_CHANGES: boolean = true;

/** design.md §4: an answer deadline is at risk once 75 % of the time to answer is spent (the threshold of the restoration deadlines). */
export const CLAIM_ANSWER_AT_RISK_RATIO = RESTORATION_AT_RISK_RATIO;

// ---------------------------------------------------------------------------------------------
// What a claim is computed on

/** One production unit of a function as its month counted it: subscribed time, each incident's counted interruption. */
export interface ClaimBasisUnit {
  readonly name: string;
  readonly subscribedSeconds: number;
  readonly counted: readonly CountedInterruption[];
}

export interface ClaimBasisFunction {
  readonly name: string;
  readonly monthlyCharge: number;
  readonly guaranteePercent: number;
  readonly units: readonly ClaimBasisUnit[];
}

/** What a claim's credit is computed on: the month's final report, with the per-incident detail behind its GTD rows. */
export interface ClaimBasis {
  readonly month: string;
  readonly currency: string;
  /** domain.md §8: the base of the 15 % cap. */
  readonly recurringCharge: number;
  /** domain.md §6: the base of the GTR credit. */
  readonly productionCharge: number;
  readonly functions: readonly ClaimBasisFunction[];
  /** domain.md §6: applicable incidents resolved in the month (the divisor), and those of them resolved late. */
  readonly gtr: { readonly resolved: number; readonly lateIncidents: readonly string[] };
  /** domain.md §7: the month's late changes GTC applies to, each with its credit (50 % of its price). */
  readonly lateChanges: readonly { readonly name: string; readonly creditAmount: number }[];
  /** The names a claim for the month may list (CLAIMS_NAME_CHANGES), sorted. */
  readonly tickets: readonly string[];
}

/**
 * The basis of `month`'s claims: the tenant's records judged at the month's close (reportClosedAt),
 * exactly as its final report is, so a claim agrees with the sealed report.
 */
export function claimBasisOf(input: ReportInput, month: string): ClaimBasis {
  return claimBasisOfEvaluation(evaluateTenant(input, reportClosedAt(monthPeriod(month, input.calendar.timeZone).end)), input, month);
}

/**
 * claimBasisOf on an evaluation the caller already has: it must be the evaluation at the month's
 * close (reportClosedAt), the one the final report is projected from; its memoised results (the
 * month's GTD, each incident's GTR, each change's GTC) are read, not recomputed, so the basis
 * costs a pass over the month's rows on top of the report.
 */
export function claimBasisOfEvaluation(ev: TenantEvaluation, input: ReportInput, month: string): ClaimBasis {
  const report = ev.report(month);
  const terms = ev.terms(month);
  if (report === undefined || terms === undefined) throw new Error('a report input always has a contract');
  const fns = ev.monthFunctions(month);
  const lateIncidents = report.gtr.incidents.flatMap((row) => {
    const r = ev.incident(row.name)?.result;
    return r?.applicable === true && r.resolved && r.late ? [row.name] : [];
  });
  const lateChanges = report.gtc.changes.flatMap((row) => {
    const r = ev.change(row.name)?.result;
    return r?.applicable === true && r.measuredAt !== undefined && r.late ? [{ name: row.name, creditAmount: r.creditAmount }] : [];
  });
  const tickets = new Set<string>([
    ...report.gtr.incidents.map((r) => r.name),
    ...(CLAIMS_NAME_CHANGES ? report.gtc.changes.map((c) => c.name) : []),
    ...fns.flatMap((f) => [...f.availability.countedIncidents]),
  ]);
  return {
    month,
    currency: input.contract.currency,
    recurringCharge: recurringChargeOf(input, terms),
    productionCharge: productionChargeOf(input),
    functions: fns.map((f) => ({
      name: f.fn.name,
      monthlyCharge: f.fn.monthlyCharge,
      guaranteePercent: f.availability.guaranteePercent,
      units: f.units.map((u) => ({ name: u.unit, subscribedSeconds: u.subscribedSeconds, counted: u.countedIntervals ?? [] })),
    })),
    gtr: { resolved: report.gtr.resolved, lateIncidents },
    lateChanges,
    tickets: [...tickets].sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// The credit of a list of tickets

export interface ClaimFunctionCredit {
  readonly name: string;
  /** The function's availability counting the claimed incidents only (unrounded). */
  readonly availabilityPercent: number;
  readonly gapPoints: number;
  readonly creditPercent: number;
  /** After the one-credit-per-incident rule (0 when waived for GTR). */
  readonly amount: number;
  readonly incidents: readonly string[];
}

export interface ClaimCredit {
  readonly functions: readonly ClaimFunctionCredit[];
  readonly gtr: { readonly late: readonly string[]; readonly deviationPercent: number; readonly creditPercent: number; readonly amount: number };
  readonly gtc: { readonly late: readonly string[]; readonly amount: number };
  /** Incidents that would have been credited under both GTD and GTR; the higher was kept (domain.md §8). */
  readonly sharedIncidents: readonly string[];
  readonly uncapped: number;
  readonly cap: number;
  readonly total: number;
}

const subsetOf = (counted: readonly CountedInterruption[], names: ReadonlySet<string>): CountedInterruption[] => counted.filter((c) => names.has(c.incident));

function recountUnit(unit: ClaimBasisUnit, names: ReadonlySet<string>): UnitAvailability {
  const claimed = subsetOf(unit.counted, names);
  const seconds = totalSeconds(union(...claimed.map((c) => c.intervals)));
  const availabilityPercent = unit.subscribedSeconds > 0 ? (100 * (unit.subscribedSeconds - seconds)) / unit.subscribedSeconds : 100;
  return {
    unit: unit.name, subscribedSeconds: unit.subscribedSeconds, interruptionSeconds: seconds, excludedSeconds: 0,
    availabilityPercent, guaranteeApplies: true, countedIncidents: claimed.map((c) => c.incident),
  };
}

/** The exact (unrounded) credit the tickets `names` give under the month's rules. */
function exactCredit(basis: ClaimBasis, names: ReadonlySet<string>): ClaimCredit {
  const gtd = basis.functions.map((f) => {
    const availability = functionAvailability(f.units.map((u) => recountUnit(u, names)), f.guaranteePercent);
    return { f, availability, amount: percentOf(f.monthlyCharge, availability.creditPercent) };
  });
  const late = basis.gtr.lateIncidents.filter((n) => names.has(n));
  const deviationPercent = gtrDeviationPercent(basis.gtr.resolved, late.length);
  const gtrPercent = gtrCreditPercent(deviationPercent);
  const gtrAmount = percentOf(basis.productionCharge, gtrPercent);
  const changes = basis.lateChanges.filter((c) => names.has(c.name));
  const gtcAmount = changes.reduce((s, c) => s + c.creditAmount, 0);
  const overlap = oneCreditPerIncident(
    gtd.map((g) => ({ function: g.f.name, amount: g.amount, incidents: g.availability.countedIncidents })),
    { amount: gtrAmount, lateIncidents: new Set(late) },
  );
  const waived = new Set(overlap.waivedFunctions);
  const functions = gtd.map((g): ClaimFunctionCredit => ({
    name: g.f.name,
    availabilityPercent: g.availability.availabilityPercent,
    gapPoints: g.availability.gapPoints,
    creditPercent: g.availability.creditPercent,
    amount: waived.has(g.f.name) ? 0 : g.amount,
    incidents: [...g.availability.countedIncidents].sort(),
  }));
  const grantedGtr = overlap.gtrWaived ? 0 : gtrAmount;
  const uncapped = functions.reduce((s, f) => s + f.amount, 0) + grantedGtr + gtcAmount;
  const capped = capCredits(uncapped, basis.recurringCharge);
  return {
    functions,
    gtr: { late, deviationPercent, creditPercent: gtrPercent, amount: grantedGtr },
    gtc: { late: changes.map((c) => c.name), amount: gtcAmount },
    sharedIncidents: overlap.sharedIncidents,
    uncapped,
    cap: capped.cap,
    total: capped.total,
  };
}

/**
 * The credit the tickets `names` of the month give under its report's rules (domain.md §5–§8),
 * amounts rounded to 2 decimals (money.ts) once, here; names the month does not list count for
 * nothing (claimProblems refuses them).
 */
export function claimCredit(basis: ClaimBasis, names: readonly string[]): ClaimCredit {
  const c = exactCredit(basis, new Set(names));
  return {
    ...c,
    functions: c.functions.map((f) => ({ ...f, amount: roundAmount(f.amount) })),
    gtr: { ...c.gtr, amount: roundAmount(c.gtr.amount) },
    gtc: { ...c.gtc, amount: roundAmount(c.gtc.amount) },
    uncapped: roundAmount(c.uncapped),
    cap: roundAmount(c.cap),
    total: roundAmount(c.total),
  };
}

/**
 * What the claims of one month each add, in filing order (then name). **Reading** (seed §8.2 does
 * not say how many claims a month takes): a month may have several claims; each claim's credit is
 * what it adds to the claims filed before it (the credit of the union of their lists, minus that
 * of the earlier ones), so the claims of a month together never count an incident twice nor pass
 * the 15 % cap.
 */
export function marginalClaimCredits(basis: ClaimBasis, claims: readonly FiledClaim[]): Map<string, number> {
  const out = new Map<string, number>();
  const names = new Set<string>();
  let before = 0;
  for (const claim of [...claims].sort(byFiling)) {
    for (const n of claim.tickets) names.add(n);
    const after = exactCredit(basis, names).total;
    out.set(claim.name, roundAmount(after - before));
    before = after;
  }
  return out;
}

const byFiling = (a: FiledClaim, b: FiledClaim): number =>
  a.filedAt.getTime() - b.filedAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Deadlines

/** seed §8.2: the provider answers within 30 days of the claim, calendar days in the tenant's time zone (as claimDeadline). */
export function answerDeadline(filedAt: Date, timeZone: string): Date {
  return DateTime.fromJSDate(filedAt, { zone: timeZone }).plus({ days: CLAIM_ANSWER_DAYS }).toJSDate();
}

/** When 75 % of the time to answer is spent (CLAIM_ANSWER_AT_RISK_RATIO): the claim's AtRisk instant. */
export function answerAtRiskAt(filedAt: Date, timeZone: string): Date {
  const deadline = answerDeadline(filedAt, timeZone).getTime();
  return new Date(filedAt.getTime() + Math.round((deadline - filedAt.getTime()) * CLAIM_ANSWER_AT_RISK_RATIO));
}

// ---------------------------------------------------------------------------------------------
// Checks of a filing and of an answer (field paths of the SLAClaim spec)

export interface ClaimProblem {
  readonly field: string;
  readonly message: string;
}

export interface FiledClaim {
  readonly name: string;
  /** 'YYYY-MM'. */
  readonly month: string;
  readonly filedAt: Date;
  /** The tickets claimed for, as listed (spec.incidents). */
  readonly tickets: readonly string[];
  readonly answer?: ClaimAnswer | undefined;
  readonly answeredAt?: Date | undefined;
}

/**
 * Why a claim may not be filed: the month not over yet, past its claim deadline (domain.md §8),
 * no ticket, a ticket listed twice, or one the month does not list. `basis` absent: the tickets
 * are not checked (the month's report is not final yet, which the month check already refuses).
 */
export function claimProblems(claim: Pick<FiledClaim, 'month' | 'filedAt' | 'tickets'>, timeZone: string, basis?: ClaimBasis): ClaimProblem[] {
  const out: ClaimProblem[] = [];
  const period = monthPeriod(claim.month, timeZone);
  const deadline = claimDeadline(period.end, timeZone);
  if (claim.filedAt.getTime() < period.end.getTime()) {
    out.push({ field: 'spec.month', message: `${claim.month} is not over: a claim is filed after the month, by ${deadline.toISOString()} (domain.md §8)` });
  } else if (claim.filedAt.getTime() >= deadline.getTime()) {
    out.push({ field: 'spec.month', message: `the claim deadline of ${claim.month} was ${deadline.toISOString()}: 30 days after the month (domain.md §8)` });
  }
  if (claim.tickets.length === 0) out.push({ field: 'spec.incidents', message: 'a claim lists at least one ticketed incident (seed §8.2)' });
  const known = basis === undefined ? undefined : new Set(basis.tickets);
  const seen = new Map<string, number>();
  claim.tickets.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) out.push({ field: `spec.incidents[${i}]`, message: `${name} is listed twice (spec.incidents[${first}])` });
    else seen.set(name, i);
    if (known !== undefined && !known.has(name)) out.push({ field: `spec.incidents[${i}]`, message: `${name} is not a ticket of ${claim.month}'s report (seed §8.2: only ticketed incidents of the month)` });
  });
  return out;
}

/** The provider's decisions on a claim (seed §8.2). */
export const CLAIM_ANSWER_DECISIONS = ['Accepted', 'PartlyAccepted', 'Rejected'] as const;
export type ClaimAnswerDecision = (typeof CLAIM_ANSWER_DECISIONS)[number];

/**
 * The provider's answer (seed §8.2: it confirms in writing the credits granted). An Accepted
 * answer may record the amount it accepted (the claim's credit when it was given, stamped by the
 * webhook): that written amount is what it grants, so a later recount (a record amended after the
 * month, a claim of the same instant sorted before it) never moves money already granted.
 */
export type ClaimAnswer =
  | { readonly decision: 'Accepted'; readonly amount?: number | undefined }
  | { readonly decision: 'PartlyAccepted'; readonly amount: number; readonly reason: string }
  | { readonly decision: 'Rejected'; readonly reason: string };

/**
 * Why an answer is refused: a partial amount that is negative or above the claim's credit (the
 * credits never pass what the rules give, capped: domain.md §8), or a partial or rejected answer
 * without a reason.
 */
export function answerProblems(answer: ClaimAnswer, claimCreditTotal: number): ClaimProblem[] {
  const out: ClaimProblem[] = [];
  if (answer.decision === 'Accepted' && answer.amount !== undefined && answer.amount > claimCreditTotal) {
    out.push({ field: 'spec.answer.amount', message: `${answer.amount} accepted is above the claim's credit of ${claimCreditTotal} now (its records changed since the answer, or an earlier claim now claims its tickets)` });
  }
  if (answer.decision === 'PartlyAccepted') {
    if (!(answer.amount >= 0)) out.push({ field: 'spec.answer.amount', message: `${answer.amount} is negative: a credit granted is at least 0` });
    else if (answer.amount > claimCreditTotal) out.push({ field: 'spec.answer.amount', message: `${answer.amount} is above the claim's credit of ${claimCreditTotal} (the rules of domain.md §8, capped)` });
  }
  if (answer.decision !== 'Accepted' && answer.reason.trim() === '') out.push({ field: 'spec.answer.reason', message: `a ${answer.decision} answer gives its reason` });
  return out;
}

/** The credit an answer grants: the amount an Accepted answer recorded (else the claim's credit), the partial amount, or 0. */
export function grantedAmount(answer: ClaimAnswer, claimCreditTotal: number): number {
  switch (answer.decision) {
    case 'Accepted':
      return answer.amount === undefined ? claimCreditTotal : roundAmount(Math.max(answer.amount, 0));
    case 'PartlyAccepted':
      return roundAmount(Math.min(Math.max(answer.amount, 0), claimCreditTotal));
    case 'Rejected':
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// The month's split (the SLAReport's credits section)

export interface CreditSplit {
  /** What the month's rules give, all its tickets claimed: the report's credits.total. */
  readonly owed: number;
  /** What the month's valid claims claim together. */
  readonly claimed: number;
  /** What the provider's answers grant. */
  readonly granted: number;
  /** Claimed, not answered yet. */
  readonly pending: number;
  /** Owed but unclaimed, the claim deadline still ahead. */
  readonly claimable: number;
  /** Owed but unclaimed at the claim deadline: lost (domain.md §8 "à défaut, le Client ne pourra prétendre à aucun Crédit"). */
  readonly expired: number;
  readonly claimDeadline: Date;
}

/**
 * The split of `basis`'s month at `now`: claims that were refused at filing (claimProblems) are
 * the caller's to leave out; those filed after `now` are not counted.
 */
export function creditSplit(basis: ClaimBasis, claims: readonly FiledClaim[], timeZone: string, now: Date): CreditSplit {
  const deadline = claimDeadline(monthPeriod(basis.month, timeZone).end, timeZone);
  const filed = claims.filter((c) => c.month === basis.month && c.filedAt.getTime() <= now.getTime());
  const owed = exactCredit(basis, new Set(basis.tickets)).total;
  const claimedExact = exactCredit(basis, new Set(filed.flatMap((c) => c.tickets))).total;
  const each = marginalClaimCredits(basis, filed);
  let granted = 0;
  let pending = 0;
  for (const c of filed) {
    const credit = each.get(c.name) ?? 0;
    const answer = c.answeredAt === undefined || c.answeredAt.getTime() <= now.getTime() ? c.answer : undefined;
    if (answer !== undefined) granted += grantedAmount(answer, credit);
    else pending += credit;
  }
  const unclaimed = Math.max(0, owed - claimedExact);
  const past = now.getTime() >= deadline.getTime();
  return {
    owed: roundAmount(owed),
    claimed: roundAmount(claimedExact),
    granted: roundAmount(granted),
    pending: roundAmount(pending),
    claimable: past ? 0 : roundAmount(unclaimed),
    expired: past ? roundAmount(unclaimed) : 0,
    claimDeadline: deadline,
  };
}

/** The interval a claim for `month` may be filed in: from the month's end to its claim deadline (exclusive). */
export function claimWindow(month: string, timeZone: string): Interval {
  const end = monthPeriod(month, timeZone).end;
  return { start: end, end: claimDeadline(end, timeZone) };
}
