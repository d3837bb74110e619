// The product's names: what the operator writes under when it drives the generic runtime
// (src/runtime/names.ts). main.ts passes the field manager and the Event reporter to the
// Manager; src/metrics passes the metric prefix to the runtime's metrics and lists the names for
// the dashboards and rules. Never change one: server-side-apply ownership of every status the
// operator wrote is the field manager's, and dashboards and alerts read the metric names.
import type { RuntimeNames } from './runtime/index.ts';

export const PRODUCT_NAMES = {
  fieldManager: 'managedapps-operator',
  reportingController: 'managedapps.dev/operator',
  metricPrefix: 'managedapps_',
} as const satisfies RuntimeNames;
