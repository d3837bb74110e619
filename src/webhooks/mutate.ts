// The mutating hook: who wrote it comes from the admission request, never from the body
// (design.md §1). On CREATE `Incident.spec.reporter` / `ChangeRequest.spec.requester` become the
// requesting user; on UPDATE they are put back to the stored value, whatever the body says (the
// CEL rule `immutable once set` then has nothing to refuse). A new or changed
// `ChangeRequest.spec.approval` gets `approvedBy` = the name of the requesting user's
// ChangeApprover contact (the validating hook refuses a user who has none).
import { GROUP } from '../api/v1alpha1/index.ts';
import { ALLOW, pointer, type AdmissionRequest, type JsonPatchOp, type UserInfo, type Verdict } from './admission.ts';
import { contactWithRole, identify, type IdentityConfig } from './identity.ts';
import { tenantOf, type TenantView } from './rules.ts';

/** UserInfo.groups holds at most 32 entries (src/api/v1alpha1/common.ts). */
const MAX_GROUPS = 32;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function specOf(object: unknown): Json | undefined {
  return isObject(object) && isObject(object.spec) ? object.spec : undefined;
}

/** The stamp written for a user: name and groups as the API server authenticated them. */
export function stampOf(user: UserInfo): { username: string; groups?: string[] } {
  const groups = (user.groups ?? []).slice(0, MAX_GROUPS);
  return { username: user.username ?? '', ...(groups.length > 0 ? { groups } : {}) };
}

/** Whether this request needs the tenant (an approval to stamp): the server then waits for the caches. */
export function mutationNeedsTenant(request: AdmissionRequest): boolean {
  if (request.kind.group !== GROUP || request.kind.kind !== 'ChangeRequest') return false;
  const approval = specOf(request.object)?.approval;
  return approval !== undefined && JSON.stringify(approval) !== JSON.stringify(specOf(request.oldObject)?.approval);
}

export function mutate(request: AdmissionRequest, view: TenantView, config: IdentityConfig): Verdict {
  if (request.kind.group !== GROUP || (request.subResource ?? '') !== '') return ALLOW;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return ALLOW;
  const field = request.kind.kind === 'Incident' ? 'reporter' : request.kind.kind === 'ChangeRequest' ? 'requester' : undefined;
  const spec = specOf(request.object);
  if (field === undefined || spec === undefined) return ALLOW;
  const patch: JsonPatchOp[] = [];
  const wanted = request.operation === 'CREATE' ? stampOf(request.userInfo) : specOf(request.oldObject)?.[field];
  if (wanted === undefined) {
    if (field in spec) patch.push({ op: 'remove', path: pointer('spec', field) });
  } else if (JSON.stringify(spec[field]) !== JSON.stringify(wanted)) {
    patch.push({ op: 'add', path: pointer('spec', field), value: wanted });
  }
  if (request.kind.kind === 'ChangeRequest' && mutationNeedsTenant(request) && isObject(spec.approval)) {
    const id = identify(request.userInfo, tenantOf(view, request.namespace ?? ''), config);
    const approver = contactWithRole(id, 'ChangeApprover');
    if (approver !== undefined && spec.approval.approvedBy !== approver.name) {
      patch.push({ op: 'add', path: pointer('spec', 'approval', 'approvedBy'), value: approver.name });
    }
  }
  return patch.length > 0 ? { allowed: true, patch } : ALLOW;
}
