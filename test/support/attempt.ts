// What an API call gave: the object, or the API server's refusal (code and message), so tests
// assert refusals as values. Anything but an ApiException is thrown again.
import { ApiException } from '@kubernetes/client-node';

export type Outcome<T> = { ok: true; object: T } | { ok: false; code: number; message: string };

export async function attempt<T>(fn: () => Promise<unknown>): Promise<Outcome<T>> {
  try {
    return { ok: true, object: (await fn()) as T };
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const e = err as ApiException<unknown>;
    const raw: unknown = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { ok: false, code: e.code, message: (raw as { message?: string } | undefined)?.message ?? String(e.body) };
  }
}
