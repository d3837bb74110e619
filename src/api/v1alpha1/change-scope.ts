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

/** `sha256:<hex>` of the scope as JSON, keys in the fixed order of ChangeScope. */
export function scopeDigest(spec: ScopedSpec): string {
  const s = changeScope(spec);
  const canonical = JSON.stringify([s.unitRefs, s.category, s.catalogItem, s.tokens, s.accelerated, s.outsideBusinessHours, s.summary, s.description, s.relatedIncident]);
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
