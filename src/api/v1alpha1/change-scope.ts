// What a client approves when it approves a provider change (domain.md §10, issue 19): the
// change's scope, and its digest. The webhook records the digest in `spec.approval.scopeDigest`
// when the approval is given; the controller compares it with the digest of the stored scope, so
// an approval binds to what was approved and any later change of the scope voids it.
import { createHash } from 'node:crypto';
import type { ChangeRequestSpec } from './change-request.ts';

/** The fields of a change an approval covers: units, category, catalogue item, tokens, the window it runs in (business hours, accelerated), what it does, why. */
export interface ChangeScope {
  readonly unitRefs: readonly string[];
  readonly category: string;
  readonly catalogItem: string | null;
  /** `spec.tokens`, else the provider's quote: what the change costs (to-domain.ts changeTokens). */
  readonly tokens: number | null;
  readonly accelerated: boolean;
  readonly outsideBusinessHours: boolean;
  readonly summary: string;
  readonly description: string | null;
  readonly relatedIncident: string | null;
}

/** The spec fields read, as stored (defaults applied by the API server). */
export type ScopedSpec = Pick<ChangeRequestSpec, 'unitRefs' | 'category' | 'catalogItem' | 'tokens' | 'summary' | 'description' | 'relatedIncident' | 'validation'> & {
  /** issue 14 item 3: what the operator will run is approved with the rest; absent, the digest is what it was before runbooks. */
  readonly runbook?: ChangeRequestSpec['runbook'] | undefined;
  readonly accelerated?: boolean | undefined;
  readonly outsideBusinessHours?: boolean | undefined;
};

export function changeScope(spec: ScopedSpec): ChangeScope {
  return {
    // The order of the units does not change what is changed.
    unitRefs: spec.unitRefs.map((r) => r.name).sort(),
    category: spec.category,
    catalogItem: spec.catalogItem ?? null,
    tokens: spec.tokens ?? spec.validation?.quoteTokens ?? null,
    accelerated: spec.accelerated ?? false,
    outsideBusinessHours: spec.outsideBusinessHours ?? false,
    summary: spec.summary,
    description: spec.description ?? null,
    relatedIncident: spec.relatedIncident?.name ?? null,
  };
}

/** `value` with its object keys sorted, at every depth: the same runbook gives the same digest whatever the order the API server stores its keys in. */
function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonicalJson(v)]));
}

/** `sha256:<hex>` of the scope as JSON, keys in the fixed order of ChangeScope. */
export function scopeDigest(spec: ScopedSpec): string {
  const s = changeScope(spec);
  const fields: unknown[] = [s.unitRefs, s.category, s.catalogItem, s.tokens, s.accelerated, s.outsideBusinessHours, s.summary, s.description, s.relatedIncident];
  // issue 14 item 3: the runbook (its Jobs and window) is part of the scope when there is one; a
  // change without one keeps the digest it had, so no stored approval is voided by the new field.
  if (spec.runbook !== undefined) fields.push(canonicalJson(spec.runbook));
  const canonical = JSON.stringify(fields);
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/**
 * Whether the approval of `spec` still binds: it records the digest of the current scope. An
 * approval without a digest (given before digests were recorded) is taken as binding: nothing
 * says what it covered, and voiding every such approval would silently change stored decisions.
 */
export function approvalBinds(spec: ScopedSpec & { readonly approval?: { readonly scopeDigest?: string | undefined } | undefined }): boolean {
  const recorded = spec.approval?.scopeDigest;
  return recorded === undefined || recorded === scopeDigest(spec);
}
