// RFC 6902 `add` and `remove`, as the API server applies a mutating webhook's patch: enough for the
// pointers our hook writes (`/spec/<field>`, `/metadata/annotations/<key>`), for tests that run
// mutate() then validate() the way the API server does.
import type { JsonPatchOp } from '../../src/webhooks/admission.ts';

export function applyJsonPatch<T>(object: T, patch: readonly JsonPatchOp[]): T {
  const out = structuredClone(object) as unknown as Record<string, unknown>;
  for (const op of patch) {
    const path = op.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = path.pop() ?? '';
    let at = out;
    for (const segment of path) at = (at[segment] ??= {}) as Record<string, unknown>;
    if (op.op === 'remove') Reflect.deleteProperty(at, last);
    else at[last] = structuredClone(op.value);
  }
  return out as unknown as T;
}
