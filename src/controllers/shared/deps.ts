// What a reconciler is built with. `now` is the injected clock's reading (tests pass explicit
// past instants); the Manager provides the status writer, the Event recorder and the caches;
// `evaluations` the tenant's one evaluation (shared/evaluation.ts).
import type { CapacitySection } from '../../domain/index.ts';
import type { Manager } from '../../runtime/index.ts';
import type { Caches } from './cache.ts';
import type { Evaluations } from './evaluation.ts';
import type { Retention } from './retention.ts';

export interface Deps {
  readonly manager: Manager;
  readonly caches: Caches;
  readonly evaluations: Evaluations;
  readonly now: () => Date;
  /** Records are kept (shared/retention.ts): the retention finalizer is held when set. */
  readonly retention?: Retention;
  /** The Prometheus of the monthly pack's capacity section, read when a report is made final; unset: the section says none is configured. */
  readonly capacity?: CapacityReader;
}

/**
 * What reads the monthly pack's capacity section (src/monitoring/capacity.ts readCapacity with the
 * operator's configuration, wired by main.ts: controllers do not import monitoring): the section
 * of `month` for `units`, up to `end`, or why Prometheus could not be read.
 */
export interface CapacityReader {
  read(scope: {
    readonly namespace: string;
    readonly units: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[];
    readonly month: string;
    readonly timeZone: string;
    readonly now: Date;
  }): Promise<{ readonly ok: true; readonly section: CapacitySection } | { readonly ok: false; readonly message: string }>;
}
