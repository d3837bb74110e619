// Pyrra `pyrra.dev/v1alpha1` ServiceLevelObjective objects of the functions' availability
// guarantees, one per managed function in the tenant's namespace, so Pyrra's UI lists them.
//
// Pyrra has rolling windows only: `window: 30d` approximates the calendar month (a 31-day month
// is one day longer, February two days shorter), and Pyrra's figure is the last 30 days, not the
// month to date. The contract's figure remains the monthly SLA report's (docs/openslo.md).
//
// The indicator is Pyrra's `bool_gauge` on managedapps_unit_up (1 up, 0 down, per probe) of the
// function's production units: Pyrra counts the share of samples at 1, i.e. the mean over the
// units and the time of their being up (domain.md §5, the mean of the units). Pyrra's indicators
// take one metric selector, not an expression, so the function's units are named in it as the
// manifests list them at export time (re-export when the function's units change), and, unlike
// the OpenSLO SLI's recorded series, a unit down in an excluding maintenance window counts as
// down in Pyrra.
import type { FunctionObjective } from './targets.ts';
import { dnsLabel, exactAlternatives, promString } from './targets.ts';

export const PYRRA_API_VERSION = 'pyrra.dev/v1alpha1';
export const PYRRA_KIND = 'ServiceLevelObjective';
/** Pyrra's rolling window that stands for the calendar month. */
export const PYRRA_WINDOW = '30d';

/** The operator's per-unit gauge (docs/metrics.md). */
export const UNIT_UP_SERIES = 'managedapps_unit_up';

export interface PyrraObjective {
  readonly apiVersion: typeof PYRRA_API_VERSION;
  readonly kind: typeof PYRRA_KIND;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string>; readonly annotations: Record<string, string> };
  readonly spec: {
    readonly description: string;
    readonly target: string;
    readonly window: string;
    readonly indicator: { readonly bool_gauge: { readonly metric: string } };
  };
}

/** The production units of the function, by name, in its tenant's namespace. */
export function unitSelector(o: Pick<FunctionObjective, 'namespace' | 'units'>): string {
  return `${UNIT_UP_SERIES}{namespace=${promString(o.namespace)},environment="Production",name=~${promString(exactAlternatives(o.units))}}`;
}

/** Pyrra's target: a percentage as a string ("99.5"); the shortest decimal that reads back as the guarantee. */
export function percentString(percent: number): string {
  return String(Math.round(percent * 10_000) / 10_000);
}

export function pyrraObjectives(objectives: readonly FunctionObjective[]): PyrraObjective[] {
  return objectives.map((o) => ({
    apiVersion: PYRRA_API_VERSION,
    kind: PYRRA_KIND,
    metadata: {
      name: dnsLabel(o.function, 'gtd'),
      namespace: o.namespace,
      // Label values: the names are DNS names already; family and level are single words.
      labels: {
        'managedapps.dev/tenant': o.namespace,
        'managedapps.dev/function': dnsLabel(o.function),
        'managedapps.dev/family': o.family,
        'managedapps.dev/support-level': o.supportLevel,
        'managedapps.dev/contract': dnsLabel(o.contract),
      },
      annotations: {
        'managedapps.dev/function': o.function,
        'managedapps.dev/contract': o.contract,
        'managedapps.dev/month': o.month,
        'managedapps.dev/time-zone': o.timeZone,
        'managedapps.dev/guarantee': `GTD ${o.guaranteePercent} % (domain.md §5)`,
      },
    },
    spec: {
      description: `Availability guarantee (GTD) of ${o.namespace}/${o.function}: ${o.family}, ${o.supportLevel}, contract ${o.contract}. Pyrra's ${PYRRA_WINDOW} rolling window approximates the calendar month in ${o.timeZone}; the contract's figure is the monthly SLA report's.`,
      target: percentString(o.guaranteePercent),
      window: PYRRA_WINDOW,
      indicator: { bool_gauge: { metric: unitSelector(o) } },
    },
  }));
}
