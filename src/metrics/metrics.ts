// Metric definitions. Two families:
// - domain gauges (`managedapps_*`), computed at scrape time in `collect()` from an injected
//   snapshot of the cache, so a restart or a failover loses nothing and nothing drifts;
// - runtime metrics in controller-runtime's vocabulary, defined by src/runtime/metrics.ts and
//   updated by the runtime as it works (`metrics.runtime` is what the Manager takes), the
//   runtime's own ones under the product's prefix (src/product.ts: `managedapps_`).
// Labels are bounded: namespace, object names, family, priority, environment, phase, controller.
// Every domain series also carries `tenant` (= its namespace, the tenant: design.md §1), which a
// scrape never rewrites (a target's own `namespace` label would, without honorLabels) and which
// a label-enforcing proxy in front of Prometheus (prom-label-proxy) can filter on per tenant.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { PRODUCT_NAMES } from '../product.ts';
import { promRuntimeMetrics, runtimeMetricNames } from '../runtime/metrics.ts';
import { GTR_FORECAST_CASE, type ForecastCase } from '../domain/forecast.ts';
import { PRIORITIES, type Environment, type FunctionFamily, type Priority } from '../domain/vocabulary.ts';

export interface UnitSnapshot {
  readonly namespace: string;
  readonly name: string;
  readonly environment: Environment;
  /** Last probe state; undefined while not probed yet (or on a replica that does not probe): no series. */
  readonly up?: boolean;
  /** Month-to-date availability, 0..1. */
  readonly availabilityRatio?: number;
  /** Inside an active maintenance window that covers the unit and excludes it from availability. */
  readonly maintenance: boolean;
  /** Periods since the unit's latest probe started (ProbeScheduler.ageRatio); undefined where it is not scheduled: no series. */
  readonly probeAgeRatio?: number;
  /** Its BackupOnSchedule condition (seed §5.10, `spec.backup.check`): undefined while not checked or not observed: no series. */
  readonly backupOnSchedule?: boolean;
  /** When the next successful backup is due (`status.backup.deadline`). */
  readonly backupDeadline?: Date;
}

export interface FunctionSnapshot {
  readonly namespace: string;
  readonly name: string;
  readonly family: FunctionFamily;
  /** Names of the production units the function counts (its GTD is their mean availability). */
  readonly units: readonly string[];
  readonly availabilityRatio?: number;
  /** The GTD of the function's support level, 0..1 (e.g. 0.995). */
  readonly guaranteeRatio?: number;
  /** Share of the month's error budget left, ≤ 1 (negative once overspent). */
  readonly errorBudgetRemainingRatio?: number;
}

/** An open (not resolved) incident. */
export interface IncidentSnapshot {
  readonly namespace: string;
  readonly name: string;
  readonly priority: Priority;
  /** GTR applies (a late incident counts toward a credit); false for a non-production incident, timed without penalties (domain.md §8). Default true. */
  readonly penalties?: boolean;
  /** The restoration deadline, when the incident is timed (GTR applies, or non-production without penalties). */
  readonly restorationDeadline?: Date;
  /** Covered time elapsed over the guaranteed restoration time, when the incident is timed. */
  readonly restorationElapsedRatio?: number;
  /** The domain's AtRisk verdict (covered time ≥ 75 % of the guaranteed restoration time). */
  readonly atRisk: boolean;
  /** Its Major condition (seed §5.3.2: a P1 on several units or a whole function); absent: not major. */
  readonly major?: boolean;
}

export interface ChangeSnapshot {
  readonly namespace: string;
  readonly phase: string;
}

export interface ContractSnapshot {
  readonly namespace: string;
  readonly name: string;
  /** Tokens consumed this month. */
  readonly tokensUsed: number;
  /** Tokens of the monthly pack (0 = pay as you go). */
  readonly tokensIncluded: number;
  /** Credits of the current month so far, after the cap, in the contract's currency. */
  readonly creditsAmount: number;
}

/** A closed month's SLA report whose claim window is still open and which owes credits. */
export interface ReportSnapshot {
  readonly namespace: string;
  readonly name: string;
  readonly claimDeadline: Date;
}

/** An SLAClaim the provider has not answered yet, valid (issue 13): its answer deadline and AtRisk instant (seed §8.2, 75 %). */
export interface ClaimSnapshot {
  readonly namespace: string;
  readonly name: string;
  readonly contract: string;
  readonly month: string;
  readonly answerDeadline: Date;
  readonly answerAtRiskAt: Date;
}

/** The month's credits by state (claims.ts creditSplit), from its final report and its claims' statuses. */
export interface ClaimCreditsSnapshot {
  readonly namespace: string;
  readonly contract: string;
  readonly month: string;
  readonly amounts: Readonly<Record<ClaimCreditState, number>>;
}

export const CLAIM_CREDIT_STATES = ['owed', 'claimed', 'granted', 'pending', 'claimable', 'expired'] as const;
export type ClaimCreditState = (typeof CLAIM_CREDIT_STATES)[number];

/**
 * The amounts of a monthly statement, `line` of managedapps_statement_amount: the parts of the
 * total before credits (recurring: the charges revised, before the top-up to the monthly minimum;
 * minimum_top_up; tokens: the extra tokens × price; tickets: the overage × price; shortfall: a
 * minimum-revenue differential), so recurring + minimum_top_up + tokens + tickets + shortfall =
 * before_credits, and before_credits − credits_deducted = excluding_tax.
 */
export const STATEMENT_AMOUNT_LINES = ['recurring', 'minimum_top_up', 'tokens', 'tickets', 'shortfall', 'before_credits', 'credits_deducted', 'excluding_tax'] as const;
export type StatementAmountLine = (typeof STATEMENT_AMOUNT_LINES)[number];
export const STATEMENT_TOKEN_KINDS = ['pack', 'used', 'extra'] as const;
export const STATEMENT_TICKET_KINDS = ['quota', 'used', 'overage'] as const;

/** A contract's monthly statement (its SLAReport's status.statement, issue 13 item 4), for the months the snapshot shows (controllers/shared/statements-shown.ts). */
export interface StatementSnapshot {
  readonly namespace: string;
  readonly contract: string;
  readonly month: string;
  /** Its report is final: the statement is frozen and sealed with it; else provisional, recomputed. */
  readonly final: boolean;
  /** In the contract's currency, 2 decimals, as the status holds them. */
  readonly amounts: Readonly<Record<StatementAmountLine, number>>;
  readonly tokens: Readonly<Record<(typeof STATEMENT_TOKEN_KINDS)[number], number>>;
  readonly tickets: Readonly<Record<(typeof STATEMENT_TICKET_KINDS)[number], number>>;
  /** The credits left after this statement's deduction, carried to the next one. */
  readonly creditsCarriedAmount: number;
}

/** The credit forecast of a contract's running month (its SLAReport's status.forecast, design.md §3 "Forecast"). */
export interface ForecastSnapshot {
  readonly namespace: string;
  /** The SupportContract. */
  readonly contract: string;
  /** Per function and case: the month-end availability (0..1) and the GTD credit owed. */
  readonly functions: readonly { readonly name: string; readonly case: ForecastCase; readonly availabilityRatio: number; readonly creditAmount: number }[];
  /** The GTR deviation (0..1) and credit if the open incidents resolve at their at-risk projection. */
  readonly gtr: { readonly deviationRatio: number; readonly creditAmount: number };
  /** The contract's credits per case, after the one-credit-per-incident rule and the cap. */
  readonly credits: readonly { readonly case: ForecastCase; readonly amount: number }[];
}

/** What the operator's cache says now. Built on demand, once per scrape. */
export interface MetricsSnapshot {
  readonly units: readonly UnitSnapshot[];
  readonly functions: readonly FunctionSnapshot[];
  readonly incidents: readonly IncidentSnapshot[];
  readonly changes: readonly ChangeSnapshot[];
  readonly contracts: readonly ContractSnapshot[];
  readonly reports: readonly ReportSnapshot[];
  /** Absent: none (a snapshot from before forecasts). */
  readonly forecasts?: readonly ForecastSnapshot[];
  /** Unanswered valid SLAClaims; absent: none. */
  readonly claims?: readonly ClaimSnapshot[];
  /** The recent final months' credits by state; absent: none. */
  readonly claimCredits?: readonly ClaimCreditsSnapshot[];
  /** Each contract's statements of the months shown (the last final one, the current month and the one before it while not final); absent: none. */
  readonly statements?: readonly StatementSnapshot[];
}

export interface MetricsOptions {
  /**
   * Reads the cache. Called at most once per scrape (memoised until the next macrotask), never
   * otherwise. Should return empty lists on a replica that must not export domain series.
   */
  readonly snapshot: () => MetricsSnapshot;
}

/** A domain gauge as `fill` sees it: `tenant` is added from `namespace`. */
interface TenantGauge<L extends string> {
  set(labels: Record<L, string> & { namespace: string }, value: number): void;
  inc(labels: Record<L, string> & { namespace: string }): void;
}

const seconds = (d: Date): number => d.getTime() / 1000;
const bool = (b: boolean): number => (b ? 1 : 0);
/** The labels of an incident's series; `penalties` "false" for a non-production incident, timed without penalties (domain.md §8). */
const incidentLabels = (i: IncidentSnapshot) => ({ namespace: i.namespace, name: i.name, priority: i.priority, penalties: String(i.penalties ?? true) });

/** Probe durations: loopback to a 30 s timeout. */
const PROBE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Admission answers: the server refuses what it cannot decide within 4 s, the API server waits 5 s at most. */
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 5];

export function createMetrics(registry: Registry, options: MetricsOptions) {
  let memo: MetricsSnapshot | undefined;
  const snapshot = (): MetricsSnapshot => {
    if (memo === undefined) {
      memo = options.snapshot();
      // Every collect() of one scrape runs in the same synchronous pass of registry.metrics().
      setImmediate(() => { memo = undefined; });
    }
    return memo;
  };
  const registers = [registry];

  /**
   * A gauge rebuilt from the snapshot at each scrape: objects that went away leave no stale
   * series. `fill` sets labels with `namespace`; the gauge adds `tenant` (the same value).
   */
  function scrapeGauge<L extends string>(name: string, help: string, labelNames: readonly ('namespace' | L)[], fill: (g: TenantGauge<'namespace' | L>, s: MetricsSnapshot) => void): Gauge<'namespace' | L | 'tenant'> {
    return new Gauge<'namespace' | L | 'tenant'>({
      name, help, labelNames: [...labelNames, 'tenant'], registers,
      collect() {
        this.reset();
        fill({
          set: (labels, value) => { this.set({ ...labels, tenant: labels.namespace }, value); },
          inc: (labels) => { this.inc({ ...labels, tenant: labels.namespace }); },
        }, snapshot());
      },
    });
  }

  const domain = {
    unitUp: scrapeGauge('managedapps_unit_up', 'Whether the unit\'s last probes say it is up (1) or down (0), per its failure and success thresholds. Absent until probed.', ['namespace', 'name', 'environment'], (g, s) => {
      for (const u of s.units) if (u.up !== undefined) g.set({ namespace: u.namespace, name: u.name, environment: u.environment }, bool(u.up));
    }),
    unitMaintenanceActive: scrapeGauge('managedapps_unit_maintenance_active', '1 while a maintenance window that covers the unit and excludes it from availability is active: it opens no incident and burns no error budget.', ['namespace', 'name'], (g, s) => {
      for (const u of s.units) g.set({ namespace: u.namespace, name: u.name }, bool(u.maintenance));
    }),
    unitProbeAge: scrapeGauge('managedapps_unit_probe_age_ratio', 'Periods since the unit\'s latest probe started (before its first: since the leader\'s scheduler took it): at most 1 + jitter (1.1) on schedule; above 2, a scheduled probe was missed. Leader only, probed units only.', ['namespace', 'name'], (g, s) => {
      for (const u of s.units) if (u.probeAgeRatio !== undefined) g.set({ namespace: u.namespace, name: u.name }, u.probeAgeRatio);
    }),
    unitBackupOnSchedule: scrapeGauge('managedapps_unit_backup_on_schedule', 'Whether the unit\'s backups ran on schedule (1) or one was missed (0), as its BackupOnSchedule condition says (seed §5.10, spec.backup.check). Absent while not checked or not observed.', ['namespace', 'name'], (g, s) => {
      for (const u of s.units) if (u.backupOnSchedule !== undefined) g.set({ namespace: u.namespace, name: u.name }, bool(u.backupOnSchedule));
    }),
    unitBackupDeadline: scrapeGauge('managedapps_unit_backup_deadline_timestamp_seconds', 'When the unit\'s next successful backup is due (status.backup.deadline), Unix seconds: its policy\'s period plus 24 h after the last success.', ['namespace', 'name'], (g, s) => {
      for (const u of s.units) if (u.backupDeadline !== undefined) g.set({ namespace: u.namespace, name: u.name }, u.backupDeadline.getTime() / 1000);
    }),
    unitAvailability: scrapeGauge('managedapps_unit_availability_ratio', 'Availability of the unit over the calendar month to date, 0..1 (domain.md §5).', ['namespace', 'name', 'environment'], (g, s) => {
      for (const u of s.units) if (u.availabilityRatio !== undefined) g.set({ namespace: u.namespace, name: u.name, environment: u.environment }, u.availabilityRatio);
    }),
    functionUnit: scrapeGauge('managedapps_function_unit', 'Always 1: the production unit `unit` counts in the managed function `name` (joins unit series to functions).', ['namespace', 'name', 'unit'], (g, s) => {
      for (const f of s.functions) for (const unit of f.units) g.set({ namespace: f.namespace, name: f.name, unit }, 1);
    }),
    functionAvailability: scrapeGauge('managedapps_function_availability_ratio', 'Availability of the managed function over the calendar month to date: the mean of its production units\', 0..1.', ['namespace', 'name', 'family'], (g, s) => {
      for (const f of s.functions) if (f.availabilityRatio !== undefined) g.set({ namespace: f.namespace, name: f.name, family: f.family }, f.availabilityRatio);
    }),
    functionGuarantee: scrapeGauge('managedapps_function_guarantee_ratio', 'Guaranteed availability (GTD) of the managed function at its support level, 0..1.', ['namespace', 'name', 'family'], (g, s) => {
      for (const f of s.functions) if (f.guaranteeRatio !== undefined) g.set({ namespace: f.namespace, name: f.name, family: f.family }, f.guaranteeRatio);
    }),
    functionErrorBudgetRemaining: scrapeGauge('managedapps_function_error_budget_remaining_ratio', 'Share of the month\'s GTD error budget (1 - guarantee) still unspent: 1 untouched, 0 spent, negative overspent.', ['namespace', 'name', 'family'], (g, s) => {
      for (const f of s.functions) if (f.errorBudgetRemainingRatio !== undefined) g.set({ namespace: f.namespace, name: f.name, family: f.family }, f.errorBudgetRemainingRatio);
    }),
    incidentsOpen: scrapeGauge('managedapps_incidents_open', 'Open (not resolved) incidents per priority; 0 for every priority of every known tenant.', ['namespace', 'priority'], (g, s) => {
      const namespaces = new Set([...s.units, ...s.functions, ...s.contracts, ...s.incidents].map((o) => o.namespace));
      for (const namespace of namespaces) for (const priority of PRIORITIES) g.set({ namespace, priority }, 0);
      for (const i of s.incidents) g.inc({ namespace: i.namespace, priority: i.priority });
    }),
    incidentRestorationDeadline: scrapeGauge('managedapps_incident_restoration_deadline_timestamp_seconds', 'Restoration deadline of an open incident, Unix seconds (business-hours calendar applied). penalties="false": a non-production incident, timed without penalties (domain.md §8). Absent when the incident is not timed.', ['namespace', 'name', 'priority', 'penalties'], (g, s) => {
      for (const i of s.incidents) if (i.restorationDeadline !== undefined) g.set(incidentLabels(i), seconds(i.restorationDeadline));
    }),
    incidentRestorationElapsed: scrapeGauge('managedapps_incident_restoration_elapsed_ratio', 'Covered time elapsed over the guaranteed restoration time of an open incident (1 = deadline reached); penalties="false" in non-production.', ['namespace', 'name', 'priority', 'penalties'], (g, s) => {
      for (const i of s.incidents) if (i.restorationElapsedRatio !== undefined) g.set(incidentLabels(i), i.restorationElapsedRatio);
    }),
    incidentDeadlineAtRisk: scrapeGauge('managedapps_incident_deadline_at_risk', '1 when an open incident has used 75 % or more of its guaranteed restoration time (the AtRisk condition), else 0; penalties="false" in non-production.', ['namespace', 'name', 'priority', 'penalties'], (g, s) => {
      for (const i of s.incidents) g.set(incidentLabels(i), bool(i.atRisk));
    }),
    incidentMajor: scrapeGauge('managedapps_incident_major', '1 when an open incident is major (its Major condition, seed §5.3.2: a P1 on several service units or a whole managed function), else 0.', ['namespace', 'name', 'priority'], (g, s) => {
      for (const i of s.incidents) g.set({ namespace: i.namespace, name: i.name, priority: i.priority }, bool(i.major === true));
    }),
    changes: scrapeGauge('managedapps_changes', 'Change requests per phase.', ['namespace', 'phase'], (g, s) => {
      for (const c of s.changes) g.inc({ namespace: c.namespace, phase: c.phase });
    }),
    tokensUsed: scrapeGauge('managedapps_tokens_used', 'Tokens consumed this month under the support contract `name`.', ['namespace', 'name'], (g, s) => {
      for (const c of s.contracts) g.set({ namespace: c.namespace, name: c.name }, c.tokensUsed);
    }),
    tokensIncluded: scrapeGauge('managedapps_tokens_included', 'Tokens of the monthly pack of the support contract `name` (0: pay as you go).', ['namespace', 'name'], (g, s) => {
      for (const c of s.contracts) g.set({ namespace: c.namespace, name: c.name }, c.tokensIncluded);
    }),
    creditsAmount: scrapeGauge('managedapps_credits_amount', 'SLA credits of the current month so far under the support contract `name`, after the cap, in the contract\'s currency.', ['namespace', 'name'], (g, s) => {
      for (const c of s.contracts) g.set({ namespace: c.namespace, name: c.name }, c.creditsAmount);
    }),
    slaClaimDeadline: scrapeGauge('managedapps_sla_claim_deadline_timestamp_seconds', 'Last instant to claim the credits of the SLA report `name` (30 days after its month), Unix seconds; only for reports that owe credits not claimed yet (by SLAClaims) and whose claim window is open.', ['namespace', 'name'], (g, s) => {
      for (const r of s.reports) g.set({ namespace: r.namespace, name: r.name }, seconds(r.claimDeadline));
    }),
    claimAnswerDeadline: scrapeGauge('managedapps_claim_answer_deadline_timestamp_seconds', 'When the provider must have answered the SLAClaim `name` (30 days after it was filed, seed §8.2), Unix seconds; only while it is valid and unanswered.', ['namespace', 'name', 'contract', 'month'], (g, s) => {
      for (const c of s.claims ?? []) g.set({ namespace: c.namespace, name: c.name, contract: c.contract, month: c.month }, seconds(c.answerDeadline));
    }),
    claimAnswerAtRisk: scrapeGauge('managedapps_claim_answer_at_risk_timestamp_seconds', 'When 75 % of the time to answer the SLAClaim `name` is spent (its AtRisk instant), Unix seconds; only while it is valid and unanswered.', ['namespace', 'name', 'contract', 'month'], (g, s) => {
      for (const c of s.claims ?? []) g.set({ namespace: c.namespace, name: c.name, contract: c.contract, month: c.month }, seconds(c.answerAtRiskAt));
    }),
    claimCredits: scrapeGauge('managedapps_claim_credits_amount', 'SLA credits of a closed month of the support contract `contract`, in its currency, by state: owed (the final report\'s total), claimed (by its valid SLAClaims), granted (by the provider\'s answers), pending (claimed, unanswered), claimable (owed, unclaimed, the claim deadline ahead) and expired (owed, unclaimed at the claim deadline: lost, domain.md §8). Months whose claim deadline passed less than 60 days ago.', ['namespace', 'contract', 'month', 'state'], (g, s) => {
      for (const m of s.claimCredits ?? []) for (const state of CLAIM_CREDIT_STATES) g.set({ namespace: m.namespace, contract: m.contract, month: m.month, state }, m.amounts[state]);
    }),
    forecastCreditAmount: scrapeGauge('managedapps_forecast_credit_amount', 'Credit the running month will cost under the support contract `contract`, in its currency, before the one-credit-per-incident rule: guarantee="GTD" per function, case="NothingElse" (the downtime so far, nothing else happens) or "BurnRate" (at the month\'s burn rate so far); guarantee="GTR" (no function), case="AtRisk" (the open incidents resolved at their at-risk projection).', ['namespace', 'contract', 'guarantee', 'function', 'case'], (g, s) => {
      for (const f of s.forecasts ?? []) {
        for (const fn of f.functions) g.set({ namespace: f.namespace, contract: f.contract, guarantee: 'GTD', function: fn.name, case: fn.case }, fn.creditAmount);
        g.set({ namespace: f.namespace, contract: f.contract, guarantee: 'GTR', function: '', case: GTR_FORECAST_CASE }, f.gtr.creditAmount);
      }
    }),
    statementAmount: scrapeGauge('managedapps_statement_amount', 'The monthly statement of the support contract `contract` (its SLAReport\'s status.statement), excluding tax, in its currency, by line: recurring (the charges, revised), minimum_top_up (to the monthly minimum), tokens (extra tokens × price), tickets (overage × price), shortfall (a minimum-revenue differential), before_credits (their sum), credits_deducted, excluding_tax (before_credits − credits_deducted). The last final month, and the current month and the one before while not final.', ['namespace', 'contract', 'month', 'line'], (g, s) => {
      for (const st of s.statements ?? []) for (const line of STATEMENT_AMOUNT_LINES) g.set({ namespace: st.namespace, contract: st.contract, month: st.month, line }, st.amounts[line]);
    }),
    statementTokens: scrapeGauge('managedapps_statement_tokens', 'Tokens of the monthly statement of `contract`: kind="pack" (the month\'s pack), "used" (the changes\' and the billable effort\'s), "extra" (used beyond the pack, billed at the on-demand price). Months as managedapps_statement_amount.', ['namespace', 'contract', 'month', 'kind'], (g, s) => {
      for (const st of s.statements ?? []) for (const kind of STATEMENT_TOKEN_KINDS) g.set({ namespace: st.namespace, contract: st.contract, month: st.month, kind }, st.tokens[kind]);
    }),
    statementTickets: scrapeGauge('managedapps_statement_tickets', 'Tickets of the monthly statement of `contract`: kind="quota" (the month\'s quota), "used" (the client-reported incidents opened in the month), "overage" (beyond the quota, billed at the ticket price of the highest support level). Months as managedapps_statement_amount.', ['namespace', 'contract', 'month', 'kind'], (g, s) => {
      for (const st of s.statements ?? []) for (const kind of STATEMENT_TICKET_KINDS) g.set({ namespace: st.namespace, contract: st.contract, month: st.month, kind }, st.tickets[kind]);
    }),
    statementCreditsCarried: scrapeGauge('managedapps_statement_credits_carried_amount', 'SLA credits granted but not deducted by the monthly statement of `contract` (more than its total), carried to the next statement, in its currency. Months as managedapps_statement_amount.', ['namespace', 'contract', 'month'], (g, s) => {
      for (const st of s.statements ?? []) g.set({ namespace: st.namespace, contract: st.contract, month: st.month }, st.creditsCarriedAmount);
    }),
    statementFinal: scrapeGauge('managedapps_statement_final', '1 when the monthly statement of `contract` is final (its SLAReport is: frozen and sealed), 0 while provisional (recomputed until the report is final). Months as managedapps_statement_amount.', ['namespace', 'contract', 'month'], (g, s) => {
      for (const st of s.statements ?? []) g.set({ namespace: st.namespace, contract: st.contract, month: st.month }, bool(st.final));
    }),
    forecastAvailability: scrapeGauge('managedapps_forecast_availability_ratio', 'Month-end availability of the managed function `function` of the running month, 0..1: case="NothingElse" or "BurnRate" (as managedapps_forecast_credit_amount).', ['namespace', 'contract', 'function', 'case'], (g, s) => {
      for (const f of s.forecasts ?? []) for (const fn of f.functions) g.set({ namespace: f.namespace, contract: f.contract, function: fn.name, case: fn.case }, fn.availabilityRatio);
    }),
    forecastGtrDeviation: scrapeGauge('managedapps_forecast_gtr_deviation_ratio', 'GTR deviation of the running month if its open incidents resolve at their at-risk projection, 0..1 (above 0.05 costs a credit, domain.md §6).', ['namespace', 'contract'], (g, s) => {
      for (const f of s.forecasts ?? []) g.set({ namespace: f.namespace, contract: f.contract }, f.gtr.deviationRatio);
    }),
    forecastContractCredit: scrapeGauge('managedapps_forecast_contract_credit_amount', 'Credits the running month will cost under the support contract `contract` in each case (NothingElse, BurnRate), after the one-credit-per-incident rule and the 15 % cap, in its currency.', ['namespace', 'contract', 'case'], (g, s) => {
      for (const f of s.forecasts ?? []) for (const c of f.credits) g.set({ namespace: f.namespace, contract: f.contract, case: c.case }, c.amount);
    }),
  };

  const probeHistogram = new Histogram({
    name: 'managedapps_probe_duration_seconds',
    help: 'Duration of availability probes, by probe kind (httpGet, tcpSocket, prometheus) and result (success, failure).',
    labelNames: ['namespace', 'probe', 'result', 'tenant'] as const,
    buckets: PROBE_BUCKETS,
    registers,
  });
  const probeDuration = {
    observe(labels: { namespace: string; probe: string; result: 'success' | 'failure' }, seconds: number): void {
      probeHistogram.observe({ ...labels, tenant: labels.namespace }, seconds);
    },
  };

  // controller-runtime's webhook series (pkg/webhook/internal/metrics), so its dashboards read them.
  const webhookRequests = new Counter({
    name: 'controller_runtime_webhook_requests_total',
    help: 'Admission requests answered, by webhook path and code: the HTTP status, or for a denial the AdmissionReview status code (403/422 a rule refused, 500 a rule failed, 503 caches cold or no decision in time).',
    labelNames: ['webhook', 'code'] as const, registers,
  });
  const webhookLatency = new Histogram({
    name: 'controller_runtime_webhook_latency_seconds', help: 'Time from an admission request\'s arrival to its answer, by webhook path.',
    labelNames: ['webhook'] as const, buckets: WEBHOOK_BUCKETS, registers,
  });
  const webhookInFlight = new Gauge({ name: 'controller_runtime_webhook_requests_in_flight', help: 'Admission requests being answered, by webhook path.', labelNames: ['webhook'] as const, registers });
  /** What src/webhooks/server.ts reports (its WebhookMetrics). */
  const webhook = {
    requestStarted(path: string): void { webhookInFlight.inc({ webhook: path }); },
    requestDone(path: string, code: number, seconds: number): void {
      webhookInFlight.dec({ webhook: path });
      webhookRequests.inc({ webhook: path, code: String(code) });
      webhookLatency.observe({ webhook: path }, seconds);
    },
  };

  // The runtime's metrics are defined once, in src/runtime/metrics.ts, on the same registry.
  const runtime = promRuntimeMetrics(registry, { prefix: PRODUCT_NAMES.metricPrefix });

  return { registry, probeDuration, webhook, runtime, ...domain };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Every metric name this module defines (the dashboards and rules may use only these and their histogram series). */
export const METRIC_NAMES = [
  'managedapps_unit_up', 'managedapps_unit_maintenance_active', 'managedapps_unit_probe_age_ratio', 'managedapps_unit_availability_ratio', 'managedapps_function_unit',
  'managedapps_unit_backup_on_schedule', 'managedapps_unit_backup_deadline_timestamp_seconds',
  'managedapps_function_availability_ratio', 'managedapps_function_guarantee_ratio', 'managedapps_function_error_budget_remaining_ratio',
  'managedapps_incidents_open', 'managedapps_incident_restoration_deadline_timestamp_seconds', 'managedapps_incident_restoration_elapsed_ratio',
  'managedapps_incident_deadline_at_risk', 'managedapps_incident_major', 'managedapps_changes', 'managedapps_tokens_used', 'managedapps_tokens_included',
  'managedapps_credits_amount', 'managedapps_sla_claim_deadline_timestamp_seconds', 'managedapps_probe_duration_seconds',
  'managedapps_forecast_credit_amount', 'managedapps_forecast_availability_ratio', 'managedapps_forecast_gtr_deviation_ratio', 'managedapps_forecast_contract_credit_amount',
  'managedapps_claim_answer_deadline_timestamp_seconds', 'managedapps_claim_answer_at_risk_timestamp_seconds', 'managedapps_claim_credits_amount',
  'managedapps_statement_amount', 'managedapps_statement_tokens', 'managedapps_statement_tickets', 'managedapps_statement_credits_carried_amount', 'managedapps_statement_final',
  'controller_runtime_webhook_requests_total', 'controller_runtime_webhook_latency_seconds', 'controller_runtime_webhook_requests_in_flight',
  ...runtimeMetricNames(PRODUCT_NAMES.metricPrefix),
] as const;
