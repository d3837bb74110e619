// Problem management and major incidents (issue 15 items 4-5): pure, `now` a parameter.
//
//   recurrences      seed §5.4 ("évaluer un incident pour déterminer s'il risque de se reproduire
//                    ou s'il est symptomatique d'un problème chronique"), domain.md §9: incidents
//                    that recur on one unit or one managed function, N within M days, from which
//                    the operator proposes a Problem
//   problemProposal  what an incident's ProblemProposed condition says: recurring and not linked
//                    to a Problem yet, linked, or not recurring
//   majorIncident    seed §5.3.2 ("la procédure de gestion des incidents majeurs"): a P1 touching
//                    several units or a whole managed function
//   problemsOfMonth  the problems a monthly report lists: open during the month, or closed in it
import type { Interval } from './interval.ts';
import type { Priority } from './vocabulary.ts';

/**
 * seed §5.4, domain.md §9. **Reading**: an incident "likely to recur, symptomatic of a chronic
 * problem" is one of at least 3 incidents on the same service unit or managed function opened
 * within 30 days (ITIL's usual trigger for problem management). The contract may set its own
 * (SupportContract `spec.problemDetection`).
 */
export const DEFAULT_RECURRING_INCIDENTS = 3;
/** seed §5.4: the window of DEFAULT_RECURRING_INCIDENTS, in days of 24 h (elapsed time, not business days). */
export const DEFAULT_RECURRENCE_DAYS = 30;
/** The bounds a contract's detection may take (issue 20: bounded by the schema): 2 to 100 incidents. */
export const MIN_RECURRING_INCIDENTS = 2;
export const MAX_RECURRING_INCIDENTS = 100;
/** At most a year of 366 days (the schema's bound on a contract's `problemDetection.days`). */
export const MAX_RECURRENCE_DAYS = 366;

/**
 * seed §5.3.2 "incidents majeurs". **Reading**: a P1 (domain.md §1: complete loss of service) is
 * major when it touches at least 2 service units, or every unit of a managed function (a function
 * of one unit, an Application, included: its loss is the whole business function's).
 */
export const MAJOR_INCIDENT_MIN_UNITS = 2;

const MS_PER_DAY = 86_400_000;

export interface RecurrencePolicy {
  /** N: how many incidents make a recurrence. */
  readonly incidents: number;
  /** M: within how many days (24 h each) of each other. */
  readonly days: number;
}

export const DEFAULT_RECURRENCE_POLICY: RecurrencePolicy = { incidents: DEFAULT_RECURRING_INCIDENTS, days: DEFAULT_RECURRENCE_DAYS };

/** What the detection reads of an incident. */
export interface RecurrenceIncident {
  readonly name: string;
  readonly priority: Priority;
  readonly unitNames: readonly string[];
  readonly openedAt: Date;
}

/** What the detection reads of a managed function: its units. */
export interface RecurrenceFunction {
  readonly name: string;
  readonly units: readonly string[];
}

export type RecurrenceScope = 'ServiceUnit' | 'ManagedFunction';

/** Incidents that recur on one unit or one function: at least N, each within M days of N-1 others (a chain of such windows is one recurrence). */
export interface Recurrence {
  readonly scope: RecurrenceScope;
  /** The unit's or the function's name. */
  readonly name: string;
  /** The incidents, by opening then name. */
  readonly incidents: readonly string[];
  /** The first and the last opening. */
  readonly from: Date;
  readonly to: Date;
}

/** Appends `value` to the list of `key` (in place: copying the list at each append is quadratic). */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

const byOpening = (a: RecurrenceIncident, b: RecurrenceIncident): number =>
  a.openedAt.getTime() - b.openedAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The recurrences of one scope's incidents, sorted by opening: each maximal run of overlapping
 * windows [i..j] where incident j opened at most M days after incident i and j - i + 1 ≥ N.
 */
function runsOf(sorted: readonly RecurrenceIncident[], policy: RecurrencePolicy): [number, number][] {
  const spanMs = policy.days * MS_PER_DAY;
  const runs: [number, number][] = [];
  let i = 0;
  for (let j = 0; j < sorted.length; j++) {
    const tj = sorted[j]?.openedAt.getTime() ?? 0;
    while ((sorted[i]?.openedAt.getTime() ?? tj) < tj - spanMs) i++;
    if (j - i + 1 < policy.incidents) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && i <= last[1]) last[1] = j;
    else runs.push([i, j]);
  }
  return runs;
}

/**
 * Every recurrence of the tenant (seed §5.4): per unit, then per function (the incidents touching
 * any of its units), each scope's incidents in M-day windows. A P4 is not an incident (domain.md
 * §1) and counts for none. Units first, then functions, each by name.
 */
export function recurrences(incidents: readonly RecurrenceIncident[], functions: readonly RecurrenceFunction[], policy: RecurrencePolicy): Recurrence[] {
  const counted = incidents.filter((i) => i.priority !== 'P4');
  const byUnit = new Map<string, RecurrenceIncident[]>();
  for (const i of counted) for (const u of new Set(i.unitNames)) pushTo(byUnit, u, i);
  const scopes: { scope: RecurrenceScope; name: string; incidents: RecurrenceIncident[] }[] = [];
  for (const name of [...byUnit.keys()].sort()) scopes.push({ scope: 'ServiceUnit', name, incidents: byUnit.get(name) ?? [] });
  for (const fn of [...functions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // The incidents of its units, each once: read from the units' lists, not by scanning all of them per function.
    const incidentsOf = new Set<RecurrenceIncident>();
    for (const u of new Set(fn.units)) for (const i of byUnit.get(u) ?? []) incidentsOf.add(i);
    scopes.push({ scope: 'ManagedFunction', name: fn.name, incidents: [...incidentsOf] });
  }
  const out: Recurrence[] = [];
  for (const s of scopes) {
    const sorted = [...s.incidents].sort(byOpening);
    for (const [from, to] of runsOf(sorted, policy)) {
      const run = sorted.slice(from, to + 1);
      out.push({ scope: s.scope, name: s.name, incidents: run.map((i) => i.name), from: run[0]?.openedAt ?? new Date(0), to: run[run.length - 1]?.openedAt ?? new Date(0) });
    }
  }
  return out;
}

/** A Problem as the domain reads it. */
export interface ProblemInput {
  readonly name: string;
  readonly summary: string;
  readonly incidentNames: readonly string[];
  /** The ChangeRequest that fixes it, if any. */
  readonly changeName?: string | undefined;
  readonly openedAt: Date;
  readonly closedAt?: Date | undefined;
}

/** What an incident's ProblemProposed condition says. */
export type ProblemProposal =
  | { readonly state: 'Linked'; readonly problems: readonly string[] }
  | { readonly state: 'Proposed'; readonly recurrences: readonly Recurrence[]; readonly linkedOthers: readonly string[] }
  | { readonly state: 'NotRecurring' };

/**
 * The proposal for one incident: linked when a Problem links it (whatever the recurrence); else
 * proposed when it is part of a recurrence (with the Problems that link others of it: link this
 * one too); else not recurring.
 */
export function problemProposal(incident: string, all: readonly Recurrence[], problems: readonly ProblemInput[]): ProblemProposal {
  return problemProposals([incident], all, problems).get(incident) ?? { state: 'NotRecurring' };
}

/**
 * problemProposal for every incident of `incidents` at once, in time linear in the recurrences'
 * and the problems' sizes (a tenant's incidents are indexed once, not searched per incident).
 */
export function problemProposals(incidents: readonly string[], all: readonly Recurrence[], problems: readonly ProblemInput[]): Map<string, ProblemProposal> {
  const linking = new Map<string, string[]>();
  for (const p of problems) for (const n of new Set(p.incidentNames)) pushTo(linking, n, p.name);
  const mine = new Map<string, Recurrence[]>();
  const linkedOf = new Map<Recurrence, Set<string>>();
  for (const r of all) {
    const linked = new Set<string>();
    for (const n of r.incidents) {
      pushTo(mine, n, r);
      for (const p of linking.get(n) ?? []) linked.add(p);
    }
    linkedOf.set(r, linked);
  }
  const out = new Map<string, ProblemProposal>();
  for (const name of incidents) {
    const linked = linking.get(name);
    if (linked !== undefined) { out.set(name, { state: 'Linked', problems: [...linked].sort() }); continue; }
    const runs = mine.get(name);
    if (runs === undefined) { out.set(name, { state: 'NotRecurring' }); continue; }
    const linkedOthers = new Set(runs.flatMap((r) => [...(linkedOf.get(r) ?? [])]));
    out.set(name, { state: 'Proposed', recurrences: runs, linkedOthers: [...linkedOthers].sort() });
  }
  return out;
}

export type MajorIncident =
  | { readonly major: true; readonly reason: 'SeveralUnits' | 'WholeFunction'; readonly units: readonly string[]; readonly functions: readonly string[] }
  | { readonly major: false };

/**
 * Whether an incident is major (seed §5.3.2, the Reading above): a P1 on at least
 * MAJOR_INCIDENT_MIN_UNITS units, or on every unit of a function (of one unit at least). `functions`
 * lists the functions it touches whole, by name; the reason is SeveralUnits when both hold.
 */
export function majorIncident(incident: { readonly priority: Priority; readonly unitNames: readonly string[] }, functions: readonly RecurrenceFunction[]): MajorIncident {
  if (incident.priority !== 'P1') return { major: false };
  const units = [...new Set(incident.unitNames)].sort();
  const touched = new Set(units);
  const whole = functions.filter((f) => f.units.length > 0 && f.units.every((u) => touched.has(u))).map((f) => f.name).sort();
  if (units.length >= MAJOR_INCIDENT_MIN_UNITS) return { major: true, reason: 'SeveralUnits', units, functions: whole };
  if (whole.length > 0) return { major: true, reason: 'WholeFunction', units, functions: whole };
  return { major: false };
}

/** One Problem of a monthly report: its state at the month's end (or now, within the month). */
export interface ProblemReport {
  readonly name: string;
  readonly summary: string;
  readonly state: 'Open' | 'Closed';
  readonly openedAt: Date;
  /** Within the month (a later closure is not known to the month: it is Open then). */
  readonly closedAt?: Date;
  readonly incidents: readonly string[];
  readonly change?: string;
}

/**
 * The problems of a month (design.md §3): opened before its horizon (the month's end, or `now`
 * within it) and not closed before the month's start; Closed when closed before the horizon, Open
 * otherwise. By name.
 */
export function problemsOfMonth(problems: readonly ProblemInput[], period: Interval, now: Date): ProblemReport[] {
  const start = period.start.getTime();
  const horizon = Math.min(period.end.getTime(), now.getTime());
  return problems
    .filter((p) => p.openedAt.getTime() < horizon && (p.closedAt === undefined || p.closedAt.getTime() >= start))
    .map((p): ProblemReport => {
      const closed = p.closedAt !== undefined && p.closedAt.getTime() < horizon;
      return {
        name: p.name, summary: p.summary, state: closed ? 'Closed' : 'Open', openedAt: p.openedAt,
        ...(closed ? { closedAt: p.closedAt } : {}),
        incidents: [...p.incidentNames],
        ...(p.changeName !== undefined ? { change: p.changeName } : {}),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
