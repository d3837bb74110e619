// Early warnings (design.md §4): when a running guarantee is "at risk", before it is breached.
// These are the operator's alerting thresholds, not numbers of the contract; they live here so
// that the controllers, the metrics and the alert rules read one value.
import { union, type Interval } from './interval.ts';
import { GTR_TARGETS, targetSeconds } from './guarantees.ts';
import { deadlineExcluding, restorationWindow, type RestorationContext, type RestorationIncident, type RestorationUnit } from './restoration.ts';
import type { Environment } from './vocabulary.ts';

/** design.md §4: a restoration deadline is at risk once 75 % of the guaranteed time is spent. */
export const RESTORATION_AT_RISK_RATIO = 0.75;

/** A managed function is at risk when less than 25 % of its month's error budget is left (ConditionType.AtRisk). */
export const ERROR_BUDGET_AT_RISK_RATIO = 0.25;

/**
 * The instant at which 75 % of the incident's guaranteed restoration time is spent (same window,
 * same exclusions as its deadline, same environment rule as evaluateRestoration); undefined
 * without a target (P4, "no SLA").
 */
export function restorationAtRiskInstant(incident: RestorationIncident, units: readonly RestorationUnit[], context: RestorationContext): Date | undefined {
  const environment: Environment = units.some((u) => u.environment === 'Production') ? 'Production' : (units[0]?.environment ?? 'Production');
  const target = GTR_TARGETS[incident.priority][context.supportLevelOf(environment)];
  const seconds = targetSeconds(target);
  if (seconds === undefined) return undefined;
  const window = restorationWindow(target, context.calendar, environment, incident.priority);
  const exclusions: Interval[] = union(incident.exclusions);
  return deadlineExcluding(window, incident.openedAt, seconds * RESTORATION_AT_RISK_RATIO, exclusions);
}

export interface ErrorBudget {
  /** Interruption the guarantee allows over the whole month, in seconds. */
  readonly budgetSeconds: number;
  /** What is left of it at the measured availability (negative once overspent). */
  readonly remainingSeconds: number;
  /** remaining / budget (negative once overspent; 1 when the budget is 0 and nothing is spent). */
  readonly remainingRatio: number;
  /** Less than ERROR_BUDGET_AT_RISK_RATIO of the budget left. */
  readonly atRisk: boolean;
}

/**
 * The month's error budget of a function: the guarantee allows (100 − guarantee) % of the month
 * as interruption; the measured (month-to-date) availability has spent (100 − measured) % of it.
 */
export function errorBudget(guaranteePercent: number, availabilityPercent: number, month: Interval): ErrorBudget {
  const monthSeconds = (month.end.getTime() - month.start.getTime()) / 1000;
  const budgetSeconds = ((100 - guaranteePercent) / 100) * monthSeconds;
  const remainingSeconds = ((availabilityPercent - guaranteePercent) / 100) * monthSeconds;
  const remainingRatio = budgetSeconds > 0 ? remainingSeconds / budgetSeconds : remainingSeconds >= 0 ? 1 : -1;
  return { budgetSeconds, remainingSeconds, remainingRatio, atRisk: remainingRatio < ERROR_BUDGET_AT_RISK_RATIO };
}
