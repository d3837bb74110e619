// What a reconciler is built with. `now` is the injected clock's reading (tests pass explicit
// past instants); the Manager provides the status writer, the Event recorder and the caches;
// `evaluations` the tenant's one evaluation (shared/evaluation.ts).
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
}
