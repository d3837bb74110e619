// The reconcile contract (design.md §2, style.md items 1 and 2), stated once.
//
// A request names an object and nothing else: no event type, no old object. Reconcile reads all
// it needs from the caches, computes, writes the outcome, and returns when to look again.
//   - resolves `{}`                       → done; the key's retry backoff is reset;
//   - resolves `{ requeueAfter: ms }`     → reconciled again after `ms` (the earliest pending wins);
//   - throws `TerminalError` (or an error whose code is not retryable) → logged, counted, not retried;
//   - throws anything else                → retried with per-key exponential backoff.
// The one place that applies this is `Controller.#process` in controller.ts.
import type { Logger } from 'pino';

export type Request = { namespace: string; name: string };

export type Result = { requeueAfter?: number /* ms */ };

export type ReconcileContext = {
  /** Child logger carrying controller, namespace and name. */
  logger: Logger;
  /** Aborted when this replica loses the lease or shuts down: stop early, write nothing more. */
  signal: AbortSignal;
};

export type Reconciler = (req: Request, ctx: ReconcileContext) => Promise<Result>;

/** The queue key of a request: `namespace/name` (`name` alone for cluster-scoped objects). */
export function keyOf(req: Request): string {
  return req.namespace === '' ? req.name : `${req.namespace}/${req.name}`;
}

export function requestOf(key: string): Request {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
