// The monthly pack (issue 16 item 2, design.md §3 "The monthly pack"): what the month was, for the
// client's committee (seed §6.1.1–§6.1.3 "rapports de performance", §6.7, §6.8 "kpi/reporting
// mensuels", §7.2 committees). A pure value, `MonthlyPack`, built from the month's report (its
// GTD / GTR / GTC figures, credits, tokens, releases, non-production timers and Problems are the
// report's, never recomputed) and from the same tenant input the report is projected from (the
// volumes by priority, environment and detection; the maintenance carried out). Text, JSON, and
// later HTML (issue 16 item 3) are renderings of this value only.
//
// Lists are capped (PACK_LIST_LIMIT) with the count of what is left out, so the pack's size does
// not grow with the month (design.md "Bounds").
//
// The capacity section's arithmetic is here too (p95 of a month's samples, its trend against the
// three months before); the samples come from Prometheus (query_range), outside the domain.
import { monthPeriod } from './calendar.ts';
import { agreedOccurrencesBetween } from './maintenance.ts';
import type { MonthlyReport, ReportInput } from './report.ts';
import { CHANGE_CATEGORIES, DETECTIONS, ENVIRONMENTS, PRIORITIES, type ChangeCategory, type Detection, type Environment, type Priority } from './vocabulary.ts';

/** Bound, not a number of the contract: the most rows of each list in the pack (major incidents, maintenance, problems); the rest is counted in `more`. */
export const PACK_LIST_LIMIT = 20;

/** Capacity (issue 16 item 2): the percentile of the month's samples the committee reads. */
export const CAPACITY_PERCENTILE = 95;

/** Capacity: the months before the reported one its p95 is compared with (issue 16 item 2: "the last three months"). */
export const CAPACITY_TREND_MONTHS = 3;

/** A capped list: the first PACK_LIST_LIMIT items and how many are left out. */
export interface Capped<T> {
  readonly items: readonly T[];
  readonly more: number;
}

const capped = <T>(all: readonly T[]): Capped<T> => ({ items: all.slice(0, PACK_LIST_LIMIT), more: Math.max(0, all.length - PACK_LIST_LIMIT) });

export interface PackVolumes {
  /** Incidents opened in the month (tenant's time zone, as known at the report's instant). */
  readonly incidents: {
    readonly total: number;
    readonly byPriority: Readonly<Record<Priority, number>>;
    readonly byEnvironment: Readonly<Record<Environment, number>>;
    readonly byDetection: Readonly<Record<Detection, number>>;
  };
  /** The report's changes (completed or quoted in the month) by category. */
  readonly changes: { readonly total: number; readonly byCategory: Readonly<Record<ChangeCategory, number>> };
  /** The report's token ledger (domain.md §10). */
  readonly tokens: MonthlyReport['tokens'];
  /** The report's releases against the quota (seed Table 1); empty when the month has none. */
  readonly releases: NonNullable<MonthlyReport['releases']>;
}

export interface PackMajorIncident {
  readonly name: string;
  readonly openedAt: string;
  readonly resolvedAt?: string;
  /** Its production units by name. */
  readonly units: readonly string[];
}

export interface PackMaintenance {
  readonly window: string;
  readonly start: string;
  readonly end: string;
  readonly units: number;
}

export interface MonthlyPack {
  readonly month: string;
  readonly currency: string;
  readonly volumes: PackVolumes;
  /** The report's figures (not recomputed). */
  readonly gtd: readonly { readonly name: string; readonly availabilityPercent: number; readonly guaranteePercent: number; readonly met: boolean; readonly creditAmount: number }[];
  readonly gtr: { readonly resolved: number; readonly late: number; readonly deviationPercent: number; readonly creditAmount: number };
  readonly gtc: { readonly completed: number; readonly late: number; readonly creditAmount: number };
  /** domain.md §8: the non-production timers, without penalties (zeros when the month has none). */
  readonly nonProduction: { readonly incidentsTimed: number; readonly incidentsLate: number; readonly changesTimed: number; readonly changesLate: number };
  /** Major incidents: the P1 incidents opened in the month (domain.md §1: only P1 interrupts), by opening. */
  readonly majorIncidents: Capped<PackMajorIncident>;
  /** Problems (seed §5.4): the report's, counted. */
  readonly problems: { readonly opened: number; readonly closed: number; readonly openAtEnd: number; readonly list: Capped<{ readonly name: string; readonly state: 'Open' | 'Closed'; readonly summary: string }> };
  /** Agreed maintenance occurrences that ran in the month (ended by the report's instant), by start. */
  readonly maintenance: Capped<PackMaintenance>;
  /** The report's credits (domain.md §8). */
  readonly credits: MonthlyReport['credits'];
  /**
   * Capacity (issue 16 item 2): per resource, the units' p95 of the month and its trend, read from
   * Prometheus outside the domain (src/monitoring/capacity.ts) and joined with `withCapacity`;
   * absent from the pure computation and from reports sealed before it existed.
   */
  readonly capacity?: CapacitySection;
  // The statement's figures (issue 13 item 4, statement.ts) join here as `statement` once the
  // Statement kind exists: the pack is built from the report, the statement is another input.
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

const iso = (d: Date): string => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * An incident's environment in the pack: Production when any unit it names is a production one
 * (its restoration is guaranteed there), else the environment of its first known unit.
 */
function environmentOf(units: ReadonlyMap<string, Environment>, unitNames: readonly string[]): Environment | undefined {
  const envs = unitNames.map((n) => units.get(n)).filter((e): e is Environment => e !== undefined);
  return envs.includes('Production') ? 'Production' : envs[0];
}

/**
 * The incidents the pack counts: opened in `period` (the month in the tenant's zone) by `horizon`
 * (ms: the month's end, or the report's instant within it), on units the tenant has; by opening,
 * then name. The volumes and the HTML page's incidents by day (pack-charts.ts) both count these.
 */
export function incidentsOpenedIn(input: ReportInput, period: { readonly start: Date; readonly end: Date }, horizon: number): ReportInput['incidents'][number][] {
  const units = new Set(input.units.map((u) => u.name));
  const start = period.start.getTime();
  const end = period.end.getTime();
  return input.incidents
    .filter((i) => {
      // Opened in the month (its interval in the tenant's zone: the same as monthOf, without formatting a date per incident).
      const opened = i.openedAt.getTime();
      return opened >= start && opened < end && opened <= horizon && i.unitNames.some((n) => units.has(n));
    })
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || (a.name < b.name ? -1 : 1));
}

/**
 * The monthly pack of `report` (computed by computeMonthlyReport from `input` at `now`): the
 * report's figures, with the volumes and the maintenance read from `input` as known at `now`.
 */
export function monthlyPack(input: ReportInput, report: Omit<MonthlyReport, 'pack'>, now: Date): MonthlyPack {
  const { month } = report.period;
  const timeZone = input.calendar.timeZone;
  const period = monthPeriod(month, timeZone);
  const horizon = Math.min(period.end.getTime(), now.getTime());
  const unitSet = new Map(input.units.map((u) => [u.name, u.environment]));
  const incidents = incidentsOpenedIn(input, period, horizon);
  const byPriority = zeros(PRIORITIES);
  const byEnvironment = zeros(ENVIRONMENTS);
  const byDetection = zeros(DETECTIONS);
  for (const i of incidents) {
    byPriority[i.priority] += 1;
    const env = environmentOf(unitSet, i.unitNames);
    if (env !== undefined) byEnvironment[env] += 1;
    byDetection[i.detection ?? 'Client'] += 1;
  }
  const byCategory = zeros(CHANGE_CATEGORIES);
  for (const c of report.gtc.changes) byCategory[c.category] += 1;

  const major = incidents.filter((i) => i.priority === 'P1').map((i): PackMajorIncident => ({
    name: i.name,
    openedAt: iso(i.openedAt),
    ...(i.resolvedAt !== undefined && i.resolvedAt.getTime() <= now.getTime() ? { resolvedAt: iso(i.resolvedAt) } : {}),
    units: i.unitNames.filter((n) => unitSet.has(n)).sort(),
  }));

  const ran = input.maintenanceWindows.flatMap((w) => agreedOccurrencesBetween(w.schedule, period.start, period.end)
    .filter((o) => o.start.getTime() >= period.start.getTime() && o.end.getTime() <= horizon)
    .map((o) => ({ window: w.name, start: o.start, end: o.end, units: w.unitNames.filter((n) => unitSet.has(n)).length })))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || (a.window < b.window ? -1 : 1))
    .map((o): PackMaintenance => ({ window: o.window, start: iso(o.start), end: iso(o.end), units: o.units }));

  const problems = report.problems ?? [];
  const inMonth = (at: string | undefined): boolean => at !== undefined && Date.parse(at) >= period.start.getTime() && Date.parse(at) < period.end.getTime();
  const np = report.nonProduction;
  return {
    month,
    currency: report.currency,
    volumes: {
      incidents: { total: incidents.length, byPriority, byEnvironment, byDetection },
      changes: { total: report.gtc.changes.length, byCategory },
      tokens: { ...report.tokens },
      releases: (report.releases ?? []).map((r) => ({ ...r })),
    },
    gtd: report.functions.map((f) => ({ name: f.name, availabilityPercent: f.availabilityPercent, guaranteePercent: f.guaranteePercent, met: f.gapPoints === 0, creditAmount: f.creditAmount })),
    gtr: { resolved: report.gtr.resolved, late: report.gtr.late, deviationPercent: report.gtr.deviationPercent, creditAmount: report.gtr.creditAmount },
    gtc: { completed: report.gtc.completed, late: report.gtc.late, creditAmount: report.gtc.creditAmount },
    nonProduction: {
      incidentsTimed: np?.incidents.timed ?? 0, incidentsLate: np?.incidents.late ?? 0,
      changesTimed: np?.changes.timed ?? 0, changesLate: np?.changes.late ?? 0,
    },
    majorIncidents: capped(major),
    problems: {
      opened: problems.filter((p) => inMonth(p.openedAt)).length,
      closed: problems.filter((p) => p.state === 'Closed').length,
      openAtEnd: problems.filter((p) => p.state === 'Open').length,
      list: capped(problems.map((p) => ({ name: p.name, state: p.state, summary: p.summary }))),
    },
    maintenance: capped(ran),
    credits: { ...report.credits },
  };
}

// ---- capacity ----------------------------------------------------------------------------------

/**
 * The `percentile` of `values` by the nearest-rank method (the ⌈p/100 · n⌉-th smallest): a value
 * that was measured, not interpolated. Undefined for no values; NaN values are ignored.
 */
export function percentileOf(values: readonly number[], percentile: number = CAPACITY_PERCENTILE): number | undefined {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1];
}

/** The resources of the capacity section, in the order it prints them. */
export const CAPACITY_RESOURCES = ['cpu', 'memory', 'disk'] as const;
export type CapacityResource = (typeof CAPACITY_RESOURCES)[number];

export interface CapacityRow {
  readonly unit: string;
  readonly resource: CapacityResource;
  /** The month's p95; undefined without samples. */
  readonly p95?: number;
  /** The mean of the p95 of the CAPACITY_TREND_MONTHS months before that have samples; undefined when none has. */
  readonly baseline?: number;
  /** (p95 − baseline) / baseline in percent, 2 decimals; undefined without both, or a baseline of 0. */
  readonly trendPercent?: number;
  /** Why there is no p95 (no samples, the query's error); absent when there is one. */
  readonly reason?: string;
}

/** A row's reason when its query answered no sample in the month (no series: a unit not scraped, a label not matching). */
export const CAPACITY_NO_SAMPLES = 'no samples in the month';

/**
 * One capacity row: the p95 of the month's samples against the mean p95 of the months before
 * (`previous`: each month's samples, most recent first; only the first CAPACITY_TREND_MONTHS count).
 */
export function capacityRow(unit: string, resource: CapacityResource, month: readonly number[], previous: readonly (readonly number[])[]): CapacityRow {
  const p95 = percentileOf(month);
  const before = previous.slice(0, CAPACITY_TREND_MONTHS).map((m) => percentileOf(m)).filter((v): v is number => v !== undefined);
  // 12 significant digits: the mean without its binary noise ((0.4 + 0.4 + 0.4) / 3 = 0.4000000000000001 → 0.4), whatever the unit's scale (a ratio, bytes).
  const baseline = before.length === 0 ? undefined : Number((before.reduce((s, v) => s + v, 0) / before.length).toPrecision(12));
  const trendPercent = p95 === undefined || baseline === undefined || baseline === 0 ? undefined : Math.round(((p95 - baseline) / baseline) * 10_000) / 100;
  return { unit, resource, ...(p95 === undefined ? { reason: CAPACITY_NO_SAMPLES } : { p95 }), ...(baseline === undefined ? {} : { baseline }), ...(trendPercent === undefined ? {} : { trendPercent }) };
}

/** One unit's row in a resource's list of the capacity section (the list names the resource). */
export type CapacityUnitRow = Omit<CapacityRow, 'resource'>;

/**
 * The pack's capacity section: per resource whose query is configured, the units by p95, highest
 * first (rows without a p95 last, by name), capped at PACK_LIST_LIMIT with the count left out;
 * or, when Prometheus is not configured or could not be read, `available: false` and `reason`
 * instead of numbers (no list). One flat shape, as the status holds it.
 */
export interface CapacitySection {
  readonly available: boolean;
  /** Why there are no numbers; only when not available. */
  readonly reason?: string;
  readonly cpu?: Capped<CapacityUnitRow>;
  readonly memory?: Capped<CapacityUnitRow>;
  readonly disk?: Capped<CapacityUnitRow>;
}

/**
 * Bound, not a number of the contract: how long after a report is due to be final (reportFinalAt)
 * the operator keeps trying to read Prometheus for its capacity section before it seals the
 * report with the section unavailable; a report waits at most this long (and the months after
 * it, which seal in order).
 */
export const CAPACITY_RETRY_MS = 6 * 3600_000;

/** Bound: the wait between two attempts to read Prometheus for a report due to be final. */
export const CAPACITY_RETRY_INTERVAL_MS = 5 * 60_000;

/** The capacity section of a report not final yet, when a Prometheus is configured: it is read once, when the report is made final. */
export const CAPACITY_AT_FINAL = 'read from Prometheus when the report is made final';

/** The capacity section's reason when no Prometheus is configured (the operator's `capacity.prometheusUrl`, the CLI's `--prometheus`). */
export const CAPACITY_NOT_CONFIGURED = 'no Prometheus is configured for the capacity queries';

/** The section of `rows` (any order; one per unit and resource): each resource's list by p95, highest first, capped. */
export function capacitySection(rows: readonly CapacityRow[]): CapacitySection {
  const lists: { -readonly [K in CapacityResource]?: Capped<CapacityUnitRow> } = {};
  for (const resource of CAPACITY_RESOURCES) {
    const of = rows.filter((r) => r.resource === resource);
    if (of.length === 0) continue;
    const sorted = [...of].sort((a, b) => (b.p95 ?? -Infinity) - (a.p95 ?? -Infinity) || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
    lists[resource] = capped(sorted.map(({ resource: _resource, ...row }) => row));
  }
  return { available: true, ...lists };
}

/** The section when there are no numbers to give, and why. */
export const capacityUnavailable = (reason: string): CapacitySection => ({ available: false, reason });

/** `report` with the capacity section in its pack (a report without a pack, sealed before packs existed, is returned as it is). */
export function withCapacity<R extends { readonly pack?: MonthlyPack | undefined }>(report: R, capacity: CapacitySection): R {
  return report.pack === undefined ? report : { ...report, pack: { ...report.pack, capacity } };
}

// ---- text rendering ----------------------------------------------------------------------------

/** The languages of the pack's labels (issue 16: "French and English labels; the tenant chooses"); the first is the default. */
export const PACK_LANGUAGES = ['en', 'fr'] as const;
export type PackLanguage = (typeof PACK_LANGUAGES)[number];

const LABELS = {
  en: {
    title: 'Monthly pack', provisional: 'provisional', final: 'final', volumes: 'Volumes', incidents: 'Incidents', byPriority: 'by priority',
    byEnvironment: 'by environment', byDetection: 'by detection', changes: 'Changes', tokens: 'Tokens', pack: 'pack', used: 'used', extra: 'extra',
    releases: 'Releases', quota: 'quota', guarantees: 'Guarantees', availability: 'availability', guarantee: 'guarantee', met: 'met', missed: 'missed',
    resolved: 'resolved', late: 'late', deviation: 'deviation', completed: 'completed', nonProduction: 'Non-production (no penalties)',
    major: 'Major incidents (P1)', problems: 'Problems', opened: 'opened', closed: 'closed', openAtEnd: 'open at the end', maintenance: 'Maintenance carried out',
    units: 'units', credits: 'Credits', uncapped: 'uncapped', cap: 'cap', total: 'total', more: 'and {n} more', none: 'none', open: 'open',
    capacity: 'Capacity (p95 of the month; trend against the mean p95 of the {n} months before)', unavailable: 'unavailable', baseline: 'baseline',
    noHistory: 'no history', noP95: 'no p95', cpu: 'CPU', memory: 'Memory', disk: 'Disk',
  },
  fr: {
    title: 'Rapport mensuel', provisional: 'provisoire', final: 'définitif', volumes: 'Volumétrie', incidents: 'Incidents', byPriority: 'par priorité',
    byEnvironment: 'par environnement', byDetection: 'par détection', changes: 'Changements', tokens: 'Jetons', pack: 'forfait', used: 'consommés', extra: 'hors forfait',
    releases: 'Mises en production', quota: 'quota', guarantees: 'Garanties', availability: 'disponibilité', guarantee: 'garantie', met: 'tenue', missed: 'non tenue',
    resolved: 'résolus', late: 'en retard', deviation: 'écart', completed: 'réalisés', nonProduction: 'Hors production (sans pénalités)',
    major: 'Incidents majeurs (P1)', problems: 'Problèmes', opened: 'ouverts', closed: 'clos', openAtEnd: 'ouverts en fin de mois', maintenance: 'Maintenances réalisées',
    units: 'unités', credits: 'Pénalités', uncapped: 'avant plafond', cap: 'plafond', total: 'total', more: 'et {n} de plus', none: 'aucun', open: 'en cours',
    capacity: 'Capacité (p95 du mois ; tendance par rapport à la moyenne des p95 des {n} mois précédents)', unavailable: 'indisponible', baseline: 'référence',
    noHistory: 'sans historique', noP95: 'pas de p95', cpu: 'CPU', memory: 'Mémoire', disk: 'Disque',
  },
} as const satisfies Record<PackLanguage, Record<string, string>>;

/** A trend as `+24.5 %` / `-3 %` / `0 %`. */
const signed = (v: number): string => `${v > 0 ? '+' : ''}${v} %`;

/** The capacity section's lines (absent section: none, as a report sealed before it existed). */
function capacityLines(section: CapacitySection | undefined, t: (typeof LABELS)[PackLanguage]): string[] {
  if (section === undefined) return [];
  const title = t.capacity.replace('{n}', String(CAPACITY_TREND_MONTHS));
  if (!section.available) return ['', `${title}: ${t.unavailable}: ${section.reason ?? ''}`];
  const lines = ['', title];
  for (const resource of CAPACITY_RESOURCES) {
    const list = section[resource];
    if (list === undefined) continue;
    lines.push(`  ${t[resource]}`);
    for (const r of list.items) {
      const trend = r.p95 === undefined ? '' : r.baseline === undefined ? ` (${t.noHistory})` : ` (${t.baseline} ${r.baseline}${r.trendPercent === undefined ? '' : `, ${signed(r.trendPercent)}`})`;
      lines.push(`    ${r.unit} ${r.p95 === undefined ? `${t.noP95}${r.reason === undefined ? '' : `: ${r.reason}`}` : String(r.p95)}${trend}`);
    }
    if (list.more > 0) lines.push(`    ${t.more.replace('{n}', String(list.more))}`);
  }
  return lines;
}

const counts = (r: Readonly<Record<string, number>>): string => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ');

/**
 * The pack as readable text, labels in `language` (the tenant's, ManagedTenant spec.language);
 * `final`: the report's (the pack itself does not say it: the report's status does).
 */
export function renderPackText(pack: MonthlyPack, language: PackLanguage = 'en', final = false): string {
  const t = LABELS[language];
  const more = <T>(list: Capped<T>): string[] => (list.more > 0 ? [`  ${t.more.replace('{n}', String(list.more))}`] : []);
  const v = pack.volumes;
  const lines = [
    `${t.title} ${pack.month} (${final ? t.final : t.provisional})`,
    '',
    t.volumes,
    `  ${t.incidents}: ${v.incidents.total}; ${t.byPriority}: ${counts(v.incidents.byPriority)}`,
    `    ${t.byEnvironment}: ${counts(v.incidents.byEnvironment)}`,
    `    ${t.byDetection}: ${counts(v.incidents.byDetection)}`,
    `  ${t.changes}: ${v.changes.total}; ${counts(v.changes.byCategory)}`,
    `  ${t.tokens}: ${t.pack} ${v.tokens.pack}, ${t.used} ${v.tokens.used}, ${t.extra} ${v.tokens.extra} (${v.tokens.extraAmount} ${pack.currency})`,
    `  ${t.releases}: ${v.releases.length === 0 ? t.none : v.releases.map((r) => `${r.supportLevel} ${r.count}/${r.quota} ${t.quota}`).join(', ')}`,
    '',
    t.guarantees,
    ...pack.gtd.map((f) => `  GTD ${f.name}: ${t.availability} ${f.availabilityPercent} % / ${t.guarantee} ${f.guaranteePercent} % (${f.met ? t.met : t.missed}), ${f.creditAmount} ${pack.currency}`),
    `  GTR: ${pack.gtr.resolved} ${t.resolved}, ${pack.gtr.late} ${t.late}, ${t.deviation} ${pack.gtr.deviationPercent} %, ${pack.gtr.creditAmount} ${pack.currency}`,
    `  GTC: ${pack.gtc.completed} ${t.completed}, ${pack.gtc.late} ${t.late}, ${pack.gtc.creditAmount} ${pack.currency}`,
    `  ${t.nonProduction}: GTR ${pack.nonProduction.incidentsTimed} (${pack.nonProduction.incidentsLate} ${t.late}), GTC ${pack.nonProduction.changesTimed} (${pack.nonProduction.changesLate} ${t.late})`,
    '',
    `${t.major}: ${pack.majorIncidents.items.length + pack.majorIncidents.more}`,
    ...pack.majorIncidents.items.map((i) => `  ${i.name} ${i.openedAt} → ${i.resolvedAt ?? t.open} (${i.units.join(', ')})`),
    ...more(pack.majorIncidents),
    `${t.problems}: ${t.opened} ${pack.problems.opened}, ${t.closed} ${pack.problems.closed}, ${t.openAtEnd} ${pack.problems.openAtEnd}`,
    ...pack.problems.list.items.map((p) => `  ${p.name} (${p.state}) ${p.summary}`),
    ...more(pack.problems.list),
    `${t.maintenance}: ${pack.maintenance.items.length + pack.maintenance.more}`,
    ...pack.maintenance.items.map((m) => `  ${m.window} ${m.start} → ${m.end} (${m.units} ${t.units})`),
    ...more(pack.maintenance),
    '',
    `${t.credits}: ${t.uncapped} ${pack.credits.uncapped}, ${t.cap} ${pack.credits.cap} (${pack.credits.capPercent} %), ${t.total} ${pack.credits.total} ${pack.currency}`,
    ...capacityLines(pack.capacity, t),
  ];
  return `${lines.join('\n')}\n`;
}

/** The labels of the pack in `language` (the HTML page, src/cli/pack-html.ts, shares them with the text). */
export function packLabels(language: PackLanguage): (typeof LABELS)[PackLanguage] {
  return LABELS[language];
}
