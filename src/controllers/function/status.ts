// ManagedFunction status (domain.md §1, §5): its production units, month-to-date availability
// (mean of the units) against the guarantee of the Production support level, the error budget
// left, SLAMet and AtRisk.
import { ConditionReason, ConditionType, type ManagedFunctionStatus } from '../../api/v1alpha1/index.ts';
import {
  errorBudget, functionAvailability, gtdGuaranteePercent, roundPercent, type ErrorBudget, type FunctionAvailability, type Interval, type SupportLevel,
  type UnitAvailability,
} from '../../domain/index.ts';
import type { DesiredCondition } from '../../runtime/index.ts';
import type { FunctionObj } from '../shared/kinds.ts';
import { readyCondition } from '../shared/status.ts';

export interface FunctionFacts {
  readonly fn: FunctionObj;
  /** Production units of the function, sorted by name, with their month-to-date availability. */
  readonly units: readonly UnitAvailability[];
  /** Support level of Production in force; undefined while there is no contract. */
  readonly supportLevel: SupportLevel | undefined;
  readonly month: string;
  readonly period: Interval;
}

export interface FunctionMeasure {
  readonly availability: FunctionAvailability;
  readonly budget: ErrorBudget;
}

export function measure(f: FunctionFacts): FunctionMeasure | undefined {
  if (f.supportLevel === undefined) return undefined;
  const guarantee = gtdGuaranteePercent(f.fn.spec.family, f.supportLevel, f.fn.spec.customerPortal);
  const availability = functionAvailability(f.units, guarantee);
  return { availability, budget: errorBudget(guarantee, availability.availabilityPercent, f.period) };
}

const noContract = (type: string): DesiredCondition => ({ type, status: 'Unknown', reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet: the guarantee is unknown' });

export function slaMetCondition(f: FunctionFacts, m: FunctionMeasure | undefined): DesiredCondition {
  if (m === undefined) return noContract(ConditionType.SLAMet);
  if (m.availability.units === 0) return { type: ConditionType.SLAMet, status: 'True', reason: ConditionReason.NotApplicable, message: 'no production unit in the function this month' };
  const a = m.availability;
  const text = `${roundPercent(a.availabilityPercent).toFixed(4)} % month to date (${f.month}), guarantee ${a.guaranteePercent} %`;
  if (a.gapPoints > 0) return { type: ConditionType.SLAMet, status: 'False', reason: ConditionReason.GuaranteeMissed, message: `${text}: credit ${a.creditPercent} % of the monthly charge (domain.md §5)` };
  return { type: ConditionType.SLAMet, status: 'True', reason: ConditionReason.GuaranteeMet, message: text };
}

export function atRiskCondition(m: FunctionMeasure | undefined): DesiredCondition {
  if (m === undefined) return noContract(ConditionType.AtRisk);
  if (m.availability.units === 0) return { type: ConditionType.AtRisk, status: 'False', reason: ConditionReason.NotApplicable, message: 'no production unit in the function this month' };
  const left = `${roundPercent(Math.max(0, m.budget.remainingRatio) * 100)} % of the error budget left`;
  if (m.budget.atRisk) return { type: ConditionType.AtRisk, status: 'True', reason: ConditionReason.ErrorBudgetLow, message: left };
  return { type: ConditionType.AtRisk, status: 'False', reason: ConditionReason.Reconciled, message: left };
}

export function functionConditions(f: FunctionFacts, m: FunctionMeasure | undefined): DesiredCondition[] {
  const sla = slaMetCondition(f, m);
  const ready = m === undefined ? readyCondition({ reason: ConditionReason.ReferenceNotFound, message: 'no SupportContract in the namespace yet' }) : readyCondition(undefined);
  return [sla, atRiskCondition(m), ready];
}

export function functionFields(f: FunctionFacts, m: FunctionMeasure | undefined): Omit<ManagedFunctionStatus, 'conditions' | 'observedGeneration'> {
  const base = { productionUnits: f.units.length, units: f.units.map((u) => u.unit), month: f.month };
  if (m === undefined || f.supportLevel === undefined) return base;
  return {
    ...base,
    supportLevel: f.supportLevel,
    availabilityPercent: roundPercent(m.availability.availabilityPercent),
    guaranteePercent: m.availability.guaranteePercent,
    errorBudgetRemainingSeconds: Math.max(0, Math.round(m.budget.remainingSeconds)),
    errorBudgetRemainingPercent: roundPercent(Math.min(100, Math.max(0, m.budget.remainingRatio * 100))),
  };
}
