// ManagedFunction (mf): the SLA grouping of production units (design.md §1, domain.md §1, §5).
import { z } from 'zod';
import { FUNCTION_FAMILIES, SUPPORT_LEVELS } from '../../domain/vocabulary.ts';
import {
  type KindDefinition, ageColumn, amount, conditionColumn, count, doc, labelSelector, month, percent, readyColumn, resource,
  seconds, statusBase, withRules,
} from './common.ts';

export const ManagedFunctionSpec = withRules(
  z.object({
    family: doc(z.enum(FUNCTION_FAMILIES), 'Family of the function (domain.md §1). All production units of a family form one function, except Application: one unit, one function.'),
    selector: labelSelector('Label selector over the ServiceUnits of this namespace; required for Application, otherwise every unit of the family.').optional(),
    customerPortal: doc(z.boolean(), 'The function is a customer portal (its own GTD row, domain.md §5).').default(false),
    monthlyCharge: amount("Monthly recurring charge of the function, excluding tax, in the contract's currency: the base of its GTD credit."),
  }),
  'Desired state of a ManagedFunction.',
  [{ rule: "self.family != 'Application' || has(self.selector)", message: 'spec.selector is required when spec.family is Application', fieldPath: '.selector', reason: 'FieldValueRequired' }],
);
export type ManagedFunctionSpec = z.infer<typeof ManagedFunctionSpec>;

export const ManagedFunctionStatus = z.object({
  ...statusBase,
  productionUnits: count('Production units counted in the function.').optional(),
  units: doc(z.array(z.string().max(253)).max(512), 'Names of the production units counted.', { 'x-kubernetes-list-type': 'set' }).optional(),
  supportLevel: doc(z.enum(SUPPORT_LEVELS), 'Support level of Production, which fixes the guarantee.').optional(),
  month: month('The calendar month of the figures, YYYY-MM.').optional(),
  availabilityPercent: percent('Month-to-date availability (mean of the units), 4 decimals.').optional(),
  guaranteePercent: percent('The availability guarantee (GTD) that applies.').optional(),
  errorBudgetRemainingSeconds: seconds('Interruption the function can still take this month and meet the guarantee.').optional(),
  errorBudgetRemainingPercent: percent('Share of the error budget left.').optional(),
});
export type ManagedFunctionStatus = z.infer<typeof ManagedFunctionStatus>;

export const ManagedFunction = resource('ManagedFunction', ManagedFunctionSpec, ManagedFunctionStatus);
export type ManagedFunction = z.infer<typeof ManagedFunction>;

export const managedFunctionKind: KindDefinition = {
  kind: 'ManagedFunction',
  plural: 'managedfunctions',
  singular: 'managedfunction',
  shortNames: ['mf'],
  description: 'The SLA grouping of production service units (a family, or one application) with its monthly charge.',
  spec: ManagedFunctionSpec,
  status: ManagedFunctionStatus,
  printerColumns: [
    { name: 'Family', type: 'string', jsonPath: '.spec.family' },
    { name: 'Units', type: 'integer', jsonPath: '.status.productionUnits' },
    { name: 'Availability', type: 'number', jsonPath: '.status.availabilityPercent' },
    { name: 'Guarantee', type: 'number', jsonPath: '.status.guaranteePercent' },
    conditionColumn('SLA Met', 'SLAMet', 'Whether availability is at or above the guarantee.'),
    conditionColumn('At Risk', 'AtRisk', 'Whether the error budget is nearly spent.', 1),
    readyColumn,
    ageColumn,
  ],
};
