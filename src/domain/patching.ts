// The yearly patch plan and patch campaigns (issue 14 item 2; domain.md §11; seed §5.8, §5.9.2,
// §9.10). Pure: the caller gives each campaign's units their level and each incident the change it
// names.
//   - The plan: the security-patching windows of a year are agreed with the client at once (seed
//     §5.8 "un planning prédéfini sur une année"): an approval of a MaintenanceWindow for a whole
//     year approves each of its occurrences that starts in that year (maintenance.ts).
//   - A campaign: a provider change (ChangeRequest spec.patch) on OS, Database or Middleware units
//     (seed §5.9.2), which the client validates or declines (spec.approval Approved or Rejected).
//   - A declined campaign, named by an incident it caused (Incident spec.declinedPatchRef): the
//     provider is not responsible (seed §9.10): neither GTD nor GTR applies to that incident.
import { DateTime } from 'luxon';
import type { Initiator, MaintenancePurpose, ManagementLevel } from './vocabulary.ts';

/** seed §5.9.2: patches and service packs are provided for three management levels: OS, Database, Middleware. */
export const PATCH_UNIT_LEVELS: readonly ManagementLevel[] = ['OS', 'Database', 'Middleware'];

/** seed §5.8: the recurring security updates follow a yearly plan; only a window of this purpose is approved as a plan. */
export const PATCH_PLAN_PURPOSE: MaintenancePurpose = 'SecurityPatching';

/** seed §5.9.2: a patch campaign is the provider's, the client validates it (domain.md §10: a provider change). */
export const PATCH_INITIATOR: Initiator = 'Provider';

/** A field of a campaign that breaks a rule of this module, and why (the webhook and the controller show it). */
export interface PatchProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * The problems of a change marked as a patch campaign: provider-initiated (the CRD's CEL says it
 * too) and on OS, Database or Middleware units only (seed §5.9.2). A unit whose level is unknown
 * (not applied yet: GitOps order) is no problem here; the controller checks again once it is.
 */
export function patchProblems(
  change: { readonly patch?: unknown; readonly initiator: Initiator; readonly unitRefs: readonly { readonly name: string }[] },
  levelOf: (unit: string) => ManagementLevel | undefined,
): PatchProblem[] {
  if (change.patch === undefined) return [];
  const out: PatchProblem[] = [];
  if (change.initiator !== PATCH_INITIATOR) out.push({ path: 'spec.initiator', message: `a patch campaign (spec.patch) is the provider's: initiator ${PATCH_INITIATOR}, validated by the client (seed §5.9.2)` });
  change.unitRefs.forEach((ref, i) => {
    const level = levelOf(ref.name);
    if (level !== undefined && !PATCH_UNIT_LEVELS.includes(level)) {
      out.push({ path: `spec.unitRefs[${i}]`, message: `ServiceUnit '${ref.name}' is at level ${level}: a patch campaign (spec.patch) is on ${PATCH_UNIT_LEVELS.join(', ')} units only (seed §5.9.2)` });
    }
  });
  return out;
}

/** A change as the declined-patch rule reads it. */
export interface PatchCampaignFacts {
  readonly name: string;
  /** The change is a patch campaign (ChangeRequest spec.patch). */
  readonly patch?: boolean | undefined;
  /** When the client declined it: a Rejected approval that still binds (a change of the scope voids it). Absent: not declined. */
  readonly declinedAt?: Date | undefined;
  /** The ChangeApprover contact who declined. */
  readonly declinedBy?: string | undefined;
}

/** What an incident's `declinedPatchRef` names, as of `now`. */
export type DeclinedPatchResolution =
  /** A campaign the client declined before the incident opened: the incident is the client's (seed §9.10). */
  | { readonly kind: 'Declined'; readonly change: string; readonly declinedAt: Date; readonly declinedBy: string | undefined }
  /** No such ChangeRequest in the namespace (yet: GitOps applies in any order). */
  | { readonly kind: 'NotFound'; readonly change: string }
  /** A ChangeRequest that is not a campaign the client declined before the incident: why. */
  | { readonly kind: 'NotDeclinedPatch'; readonly change: string; readonly why: string };

/**
 * The campaign an incident names, judged at `now`. Only a campaign declined at or before the
 * incident's opening can have caused it; a decline recorded after `now` is not known yet.
 */
export function resolveDeclinedPatch(ref: string, change: PatchCampaignFacts | undefined, openedAt: Date, now: Date): DeclinedPatchResolution {
  if (change === undefined) return { kind: 'NotFound', change: ref };
  if (change.patch !== true) return { kind: 'NotDeclinedPatch', change: ref, why: 'it is not a patch campaign (no spec.patch)' };
  const at = change.declinedAt;
  if (at === undefined || at.getTime() > now.getTime()) return { kind: 'NotDeclinedPatch', change: ref, why: 'the client has not declined it (spec.approval is not a binding Rejected decision)' };
  if (at.getTime() > openedAt.getTime()) return { kind: 'NotDeclinedPatch', change: ref, why: `it was declined at ${isoSeconds(at)}, after the incident opened: it cannot have caused it` };
  return { kind: 'Declined', change: ref, declinedAt: at, declinedBy: change.declinedBy };
}

/** The problem of a reference, for the webhook and the condition; undefined when it names a declined campaign (or a change not applied yet). */
export function declinedPatchProblem(resolution: DeclinedPatchResolution): PatchProblem | undefined {
  if (resolution.kind !== 'NotDeclinedPatch') return undefined;
  return { path: 'spec.declinedPatchRef', message: `ChangeRequest '${resolution.change}' is not a patch campaign the client declined: ${resolution.why}` };
}

/** The status's words for an incident whose cause is a declined campaign. */
export function declinedPatchReason(change: string): string {
  return `cause: declined patch campaign ${change} (seed §9.10)`;
}

/**
 * The calendar year of an instant in `timeZone`: the year a plan approval names covers the
 * occurrences whose local start falls in it (a window's year is its own zone's: 31 December
 * 23:30 Paris is in that year, though 22:30Z of it is too, and 1 January 00:30 Paris is not).
 */
export function planYearOf(at: Date, timeZone: string): number {
  return DateTime.fromMillis(at.getTime(), { zone: timeZone }).year;
}

const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
