// What a reconciler is built with. `now` is the injected clock's reading (tests pass explicit
// past instants); the Manager provides the status writer, the Event recorder and the caches.
import type { Manager } from '../../runtime/index.ts';
import type { Caches } from './cache.ts';

export interface Deps {
  readonly manager: Manager;
  readonly caches: Caches;
  readonly now: () => Date;
}
