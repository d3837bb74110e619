// One evaluation per tenant on the cluster (design.md §2, "One evaluation per tenant"): the valid
// objects of a namespace → one TenantInput (src/api tenantInputToDomain, built once per version
// of the namespace) → the domain's evaluateTenant. Every reconciler of a tenant's objects, and the
// metrics, project their figures from the same evaluation, so a unit, its functions, its incidents
// and the month's report agree by construction.
//
// When it is computed again:
//   - an object of the namespace changes (its spec, labels or deletion; a SupportContract's
//     status holds no term, its spec holds them all, dated): the namespace's version moves, the
//     next reader re-evaluates;
//   - it is EVALUATION_MAX_AGE_MS old, or the clock reads earlier than its instant.
// Reconcilers evaluate at the evaluation's instant (`at`, at most EVALUATION_MAX_AGE_MS before
// their clock) and requeue from it: a requeue always fires after the evaluation has expired
// (requeueAt adds a second), so an instant that matters is never judged on a stale one.
import type { KubernetesObject } from '@kubernetes/client-node';
import { catalogItemsToDomain, tenantInputToDomain } from '../../api/v1alpha1/index.ts';
import { evaluateTenant, type TenantEvaluation, type TenantInput } from '../../domain/index.ts';
import { specChanged } from '../../runtime/index.ts';
import type { Caches } from './cache.ts';
import { converted } from './kinds.ts';

/**
 * How long one evaluation serves the reconciles of its tenant: the burst after a change (every
 * object of the namespace re-queued) shares one evaluation instead of one per object. At most
 * the +1 s margin of requeueAt, so that a requeue never lands on the evaluation it came from.
 */
export const EVALUATION_MAX_AGE_MS = 1000;

interface Kept<T> { readonly version: number; readonly value: T }

export class Evaluations {
  readonly #caches: Caches;
  readonly #versions = new Map<string, number>();
  readonly #inputs = new Map<string, Kept<TenantInput>>();
  readonly #evaluations = new Map<string, Kept<TenantEvaluation>>();
  readonly #fixed = new Map<string, Kept<TenantEvaluation>>();
  /** Evaluations computed so far (what the benchmark and the tests count). */
  computed = 0;

  /** Follows the caches' informers: each change an evaluation reads moves its namespace's version. */
  constructor(caches: Caches) {
    this.#caches = caches;
    const bump = (o: KubernetesObject): void => {
      const ns = o.metadata?.namespace ?? '';
      this.#versions.set(ns, (this.#versions.get(ns) ?? 0) + 1);
    };
    const follow = (predicate: (obj: KubernetesObject, previous: KubernetesObject | undefined) => boolean) => (obj: KubernetesObject, previous?: KubernetesObject): void => {
      if (predicate(obj, previous)) bump(obj);
    };
    caches.tenants.informer.addHandler(follow(specChanged));
    caches.contracts.informer.addHandler(follow(specChanged));
    caches.units.informer.addHandler(follow(specChanged));
    caches.functions.informer.addHandler(follow(specChanged));
    caches.incidents.informer.addHandler(follow(specChanged));
    caches.changes.informer.addHandler(follow(specChanged));
    caches.catalogs.informer.addHandler(follow(specChanged));
    caches.windows.informer.addHandler(follow(specChanged));
    caches.problems.informer.addHandler(follow(specChanged));
  }

  /**
   * The evaluation of `namespace` at `now` (or up to EVALUATION_MAX_AGE_MS before it), under the
   * namespace's contract (the oldest valid one) or the one named.
   */
  of(namespace: string, now: Date, contractName?: string): TenantEvaluation {
    const name = contractName ?? this.#caches.contract(namespace)?.name;
    const key = `${namespace}/${name ?? ''}`;
    const version = this.#versions.get(namespace) ?? 0;
    const kept = this.#evaluations.get(key);
    const age = kept === undefined ? Infinity : now.getTime() - kept.value.at.getTime();
    if (kept !== undefined && kept.version === version && age >= 0 && age < EVALUATION_MAX_AGE_MS) return kept.value;
    const evaluation = evaluateTenant(this.input(namespace, name), now);
    this.computed++;
    this.#evaluations.set(key, { version, value: evaluation });
    return evaluation;
  }

  /**
   * The evaluation of `namespace` at a fixed instant of the past (a month's close, reportClosedAt:
   * design.md §3 "One instant per month"), kept while the namespace's version stays (the instant
   * does not age), until its report is final (release). One per month being reconciled.
   */
  at(namespace: string, instant: Date, contractName: string): TenantEvaluation {
    const key = `${namespace}/${contractName}@${instant.getTime()}`;
    const version = this.#versions.get(namespace) ?? 0;
    const kept = this.#fixed.get(key);
    if (kept !== undefined && kept.version === version) return kept.value;
    for (const [k, v] of this.#fixed) if (k.startsWith(`${namespace}/`) && v.version !== version) this.#fixed.delete(k);
    const evaluation = evaluateTenant(this.input(namespace, contractName), instant);
    this.computed++;
    this.#fixed.set(key, { version, value: evaluation });
    return evaluation;
  }

  /**
   * Drops the evaluation `at` kept for that instant: its month's report is final, so nothing
   * reads it again (two years of history would otherwise keep 24 whole evaluations per
   * converged namespace: +24 % RSS in the operator benchmark).
   */
  release(namespace: string, instant: Date, contractName: string): void {
    this.#fixed.delete(`${namespace}/${contractName}@${instant.getTime()}`);
  }

  /** The namespace's input under the contract named (none: no contract), converted once per version. */
  input(namespace: string, contractName: string | undefined): TenantInput {
    const key = `${namespace}/${contractName ?? ''}`;
    const version = this.#versions.get(namespace) ?? 0;
    const kept = this.#inputs.get(key);
    if (kept !== undefined && kept.version === version) return kept.value;
    const c = this.#caches;
    const units = c.units.list(namespace);
    const input = converted(tenantInputToDomain({
      tenant: c.tenant(namespace),
      contract: contractName === undefined ? undefined : c.contracts.valid(namespace, contractName),
      units,
      functions: c.functions.list(namespace),
      incidents: c.incidents.list(namespace),
      changes: c.changes.list(namespace),
      maintenanceWindows: c.windows.list(namespace),
      problems: c.problems.list(namespace),
      catalog: ((cat) => (cat === undefined ? undefined : catalogItemsToDomain(cat)))(c.catalog(namespace)),
    }));
    this.#inputs.set(key, { version, value: input });
    return input;
  }
}
