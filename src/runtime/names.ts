// The names the runtime writes under: the field manager of its status applies, the
// `reportingController` of its Events, the prefix of its own metric names (controller-runtime's
// and client-go's standard names, `controller_runtime_*`, `workqueue_*`,
// `leader_election_master_status`, take none). A program built on the runtime passes its own,
// to `Manager` and `promRuntimeMetrics`; these defaults are generic so that the runtime names no
// product (the operator's names are in src/product.ts, which main.ts and src/metrics pass).
// Changing a field manager hands server-side-apply ownership to a new name, and a prefix renames
// series that dashboards and alerts read: a program picks its names once.

export type RuntimeNames = {
  /** Field manager of status applies (server-side apply: the fields it owns). */
  readonly fieldManager: string;
  /** `reportingController` of Events (events.k8s.io/v1: a qualified name). */
  readonly reportingController: string;
  /** Prefix of the runtime's own metric names (`<prefix>status_writes_total`, ...). */
  readonly metricPrefix: string;
};

/** The runtime's defaults, when a program passes none (tests, examples). */
export const DEFAULT_NAMES = {
  fieldManager: 'controller-runtime',
  reportingController: 'controller-runtime',
  metricPrefix: 'runtime_',
} as const satisfies RuntimeNames;
