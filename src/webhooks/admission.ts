// admission.k8s.io/v1 AdmissionReview: the request the API server sends and the answers we give.
// Denials carry a Status whose message names the field (`spec.approval: ...`); the API server
// shows it to the user as `admission webhook "<name>" denied the request: <message>`.

export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
}

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly resource?: { readonly group: string; readonly version: string; readonly resource: string };
  readonly subResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation: Operation;
  readonly userInfo: UserInfo;
  readonly object?: unknown;
  readonly oldObject?: unknown;
  readonly dryRun?: boolean;
}

export interface AdmissionReview {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly request?: AdmissionRequest;
  readonly response?: AdmissionResponse;
}

export interface StatusCause {
  readonly field: string;
  readonly message: string;
  readonly reason: string;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: {
    readonly code: number;
    readonly reason: string;
    readonly message: string;
    readonly details?: { readonly causes: readonly StatusCause[] };
  };
  readonly patchType?: 'JSONPatch';
  /** base64 of the JSON Patch. */
  readonly patch?: string;
  readonly warnings?: readonly string[];
}

/** One RFC 6902 operation. */
export type JsonPatchOp =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

/** A field-level problem; `path` like `spec.approval` (what the message starts with). */
export interface Violation {
  readonly path: string;
  readonly message: string;
}

/** Why a request is refused. `Forbidden` (403): who you are; `Invalid` (422): what you wrote; `ServiceUnavailable` (503): we cannot judge now. */
export type DenialReason = 'Forbidden' | 'Invalid' | 'ServiceUnavailable' | 'InternalError';

export type Verdict =
  | { readonly allowed: true; readonly patch?: readonly JsonPatchOp[] }
  | { readonly allowed: false; readonly reason: DenialReason; readonly violations: readonly Violation[] };

export const ALLOW: Verdict = { allowed: true };

export function deny(reason: DenialReason, violations: readonly Violation[]): Verdict {
  return { allowed: false, reason, violations };
}

const CODES: Record<DenialReason, number> = { Forbidden: 403, Invalid: 422, ServiceUnavailable: 503, InternalError: 500 };

/** `path: message; path: message`: every violation, each naming its field. */
export function violationMessage(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.path}: ${v.message}`).join('; ');
}

export function toResponse(uid: string, verdict: Verdict): AdmissionResponse {
  if (verdict.allowed) {
    if (verdict.patch === undefined || verdict.patch.length === 0) return { uid, allowed: true };
    return { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(verdict.patch)).toString('base64') };
  }
  return {
    uid,
    allowed: false,
    status: {
      code: CODES[verdict.reason],
      reason: verdict.reason,
      message: violationMessage(verdict.violations),
      details: { causes: verdict.violations.map((v) => ({ field: v.path, message: v.message, reason: verdict.reason === 'Invalid' ? 'FieldValueInvalid' : 'FieldValueForbidden' })) },
    },
  };
}

/** RFC 6901: escape one segment of a JSON pointer. */
export function pointer(...segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
