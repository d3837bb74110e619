// OpenSLO v1 documents (github.com/OpenSLO/OpenSLO, `apiVersion: openslo/v1`) of the functions'
// availability guarantees: a Service per tenant, and per managed function an SLI and an SLO.
//
// - SLI: a ratioMetric on the operator's recorded series managedapps:function_error:ratio
//   (config/prometheus/rules.yaml: the share of the function's production units down now, outside
//   excluding maintenance windows), `counter: false` because it is a gauge, not a counter: at each
//   evaluation `good` is the share up (1 − the error ratio) and `total` is 1, so good / total
//   summed over the window is the time-mean of the share of units up, i.e. the mean of the units'
//   time availability, which is how domain.md §5 measures a function.
// - SLO: budgetingMethod Occurrences (each evaluation of the ratio is an occurrence, weighted by the
//   share of units up). Timeslices would count a slice in which one unit of two is down as wholly
//   bad, while the contract counts it half (the mean of the units). timeWindow `1M`, not rolling,
//   calendar-aligned: startTime is local midnight on the 1st of the month, without offset, and
//   timeZone the tenant's IANA zone, so the window is the calendar month in the tenant's time zone
//   (domain.md §5), daylight-saving changes included. The objective's target is the guarantee as
//   a ratio (99.5 % → 0.995).
import type { FunctionObjective } from './targets.ts';
import { dnsLabel, promString, ratioOfPercent } from './targets.ts';

export const OPENSLO_API_VERSION = 'openslo/v1';

/** Labels of OpenSLO metadata: a key to a list of values (OpenSLO v1 also takes one string). */
type Labels = Record<string, string[]>;

interface Metadata {
  readonly name: string;
  readonly displayName?: string;
  readonly labels?: Labels;
  readonly annotations?: Record<string, string>;
}

export interface OpenSloDocument {
  readonly apiVersion: typeof OPENSLO_API_VERSION;
  readonly kind: 'Service' | 'SLI' | 'SLO';
  readonly metadata: Metadata;
  readonly spec: Record<string, unknown>;
}

/** The recorded series of a function's error ratio (config/prometheus/rules.yaml). */
export const FUNCTION_ERROR_SERIES = 'managedapps:function_error:ratio';

/** The OpenSLO `displayName` limit (63 characters, oslo's validation of metadata). */
const DISPLAY_NAME_MAX = 63;

const display = (text: string): string => (text.length <= DISPLAY_NAME_MAX ? text : `${text.slice(0, DISPLAY_NAME_MAX - 1)}…`);

/** The selector of one function's series: the tenant's namespace and the function's name. */
export function functionSelector(o: Pick<FunctionObjective, 'namespace' | 'function'>): string {
  return `${FUNCTION_ERROR_SERIES}{namespace=${promString(o.namespace)},name=${promString(o.function)}}`;
}

/** What each document says of the function it measures: tenant, function, family, level, contract, month. */
function labelsOf(o: FunctionObjective): Labels {
  return {
    tenant: [o.namespace],
    function: [o.function],
    family: [o.family],
    supportLevel: [o.supportLevel],
    contract: [o.contract],
  };
}

function annotationsOf(o: FunctionObjective): Record<string, string> {
  return {
    'managedapps.dev/tenant': o.namespace,
    'managedapps.dev/function': o.function,
    'managedapps.dev/family': o.family,
    'managedapps.dev/support-level': o.supportLevel,
    'managedapps.dev/contract': o.contract,
    'managedapps.dev/month': o.month,
    'managedapps.dev/guarantee': `GTD ${o.guaranteePercent} % (domain.md §5)`,
  };
}

export const serviceName = (namespace: string): string => dnsLabel(namespace);
export const sliName = (o: Pick<FunctionObjective, 'namespace' | 'function'>): string => dnsLabel(o.namespace, o.function, 'availability');
export const sloName = (o: Pick<FunctionObjective, 'namespace' | 'function'>): string => dnsLabel(o.namespace, o.function, 'gtd');

/** `2026-11` → `2026-11-01 00:00:00`: the first local instant of the month, in OpenSLO's calendar startTime form. */
export function monthStartLocal(month: string): string {
  return `${month}-01 00:00:00`;
}

/** The documents, tenant by tenant: its Service, then for each function its SLI and SLO. */
export function openSloDocuments(objectives: readonly FunctionObjective[]): OpenSloDocument[] {
  const docs: OpenSloDocument[] = [];
  const services = new Set<string>();
  for (const o of objectives) {
    if (!services.has(o.namespace)) {
      services.add(o.namespace);
      docs.push({
        apiVersion: OPENSLO_API_VERSION,
        kind: 'Service',
        metadata: { name: serviceName(o.namespace), displayName: display(`Managed tenant ${o.namespace}`), labels: { tenant: [o.namespace] } },
        spec: { description: `The managed functions of tenant ${o.namespace} (managed-apps-operator).` },
      });
    }
    const selector = functionSelector(o);
    docs.push({
      apiVersion: OPENSLO_API_VERSION,
      kind: 'SLI',
      metadata: { name: sliName(o), displayName: display(`${o.function} availability`), labels: labelsOf(o), annotations: annotationsOf(o) },
      spec: {
        description: `Share of the production units of ${o.namespace}/${o.function} up (probes, outside excluding maintenance windows), averaged over time.`,
        ratioMetric: {
          counter: false,
          good: { metricSource: { type: 'Prometheus', spec: { query: `sum(1 - ${selector})` } } },
          total: { metricSource: { type: 'Prometheus', spec: { query: `count(${selector})` } } },
        },
      },
    });
    docs.push({
      apiVersion: OPENSLO_API_VERSION,
      kind: 'SLO',
      metadata: { name: sloName(o), displayName: display(`${o.function} GTD ${o.guaranteePercent} %`), labels: labelsOf(o), annotations: annotationsOf(o) },
      spec: {
        description: `Availability guarantee (GTD) of ${o.namespace}/${o.function}: ${o.family}, ${o.supportLevel}, contract ${o.contract}, calendar month in ${o.timeZone}. The contract's figure is the monthly SLA report's.`,
        service: serviceName(o.namespace),
        indicatorRef: sliName(o),
        budgetingMethod: 'Occurrences',
        timeWindow: [{ duration: '1M', isRolling: false, calendar: { startTime: monthStartLocal(o.month), timeZone: o.timeZone } }],
        objectives: [{ displayName: display(`GTD ${o.supportLevel} ${o.family}`), target: ratioOfPercent(o.guaranteePercent) }],
      },
    });
  }
  return docs;
}
