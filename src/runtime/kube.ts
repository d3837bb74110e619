// A small untyped client over client-node's own transport (its undici, its KubeConfig
// authentication), generic over kinds so that informers, status, finalizers, events and the
// lease all speak to any group/version/plural, core kinds included (CustomObjectsApi cannot
// reach `/api/v1`). Errors are `ApiError`s carrying the HTTP status and the Status reason.
//
// Performance: client-node builds a new undici Agent (connection pool) for every request, so
// every request pays a TLS handshake. We keep the first Agent for the client's lifetime (its
// CA and client certificate are those read at the first request: a rotated client certificate
// needs a new KubeClient); headers, bearer tokens included, are re-applied on every request,
// so in-cluster token rotation keeps working.
// client-node's transport from its own module, not its entry point (which loads every generated
// model and API class): the kubectl plugin starts without them (issue 17, src/cli/kubectl/kubeconfig.ts).
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext } from '@kubernetes/client-node/dist/gen/http/http.js';
import { ApiError } from './errors.ts';

/** A resource kind, as the REST path names it. `group: ''` is the core group (`/api/v1`). */
export type KindRef = {
  group: string;
  version: string;
  plural: string;
  /** Default true. */
  namespaced?: boolean;
};

export function apiVersionOf(kind: KindRef): string {
  return kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
}

export function kindName(kind: KindRef): string {
  return kind.group === '' ? kind.plural : `${kind.plural}.${kind.group}`;
}

/** `/apis/g/v[/namespaces/ns]/plural`; `namespace` undefined or '' means all namespaces. */
export function collectionPath(kind: KindRef, namespace?: string): string {
  const root = kind.group === '' ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`;
  const ns = kind.namespaced !== false && namespace !== undefined && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${kind.plural}`;
}

export function objectPath(kind: KindRef, namespace: string, name: string, subresource?: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}${subresource !== undefined ? `/${subresource}` : ''}`;
}

export type RequestOptions = {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  signal?: AbortSignal;
};

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly #http = new IsomorphicFetchHttpLibrary();
  #dispatcher: Dispatcher;
  #server: string;

  readonly #userAgent: string | undefined;

  /** `userAgent`: sent with every request (the audit log records it: which replica wrote what). */
  constructor(kubeConfig: KubeConfig, options: { userAgent?: string } = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig has no current cluster');
    this.kubeConfig = kubeConfig;
    this.#userAgent = options.userAgent;
    this.#server = cluster.server.replace(/\/$/, '');
  }

  get server(): string {
    return this.#server;
  }

  async #context(method: HttpMethod, path: string, opts: RequestOptions): Promise<RequestContext> {
    const url = new URL(this.#server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), method);
    await this.kubeConfig.applySecurityAuthentication(ctx);
    // Reuse one connection pool (see header).
    if (this.#dispatcher === undefined) this.#dispatcher = ctx.getDispatcher();
    else ctx.setDispatcher(this.#dispatcher);
    ctx.setHeaderParam('Accept', 'application/json');
    if (this.#userAgent !== undefined) ctx.setHeaderParam('User-Agent', this.#userAgent);
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(opts.body));
    }
    if (opts.signal !== undefined) ctx.setSignal(opts.signal);
    return ctx;
  }

  /**
   * Sends one request and parses the JSON answer; a non-2xx answer throws `ApiError`. An answer
   * the server says it did not process (429 or 5xx with `Retry-After`, e.g. "storage is
   * (re)initializing" while a resource's watch cache starts) is sent again after the delay it
   * asks, as client-go does (rest/request.go `checkWait`), at most RETRY_AFTER_ATTEMPTS times.
   */
  async request<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const ctx = await this.#context(HttpMethod[method], path, opts);
      const res = await this.#http.send(ctx).toPromise();
      const text = await res.body.text();
      if (res.httpStatusCode >= 200 && res.httpStatusCode < 300) return (text === '' ? undefined : JSON.parse(text)) as T;
      const wait = retryAfterMs(res.httpStatusCode, res.headers);
      if (wait === undefined || attempt >= RETRY_AFTER_ATTEMPTS || opts.signal?.aborted === true) throw apiError(res.httpStatusCode, method, path, text);
      await sleep(wait, opts.signal);
    }
  }

  /** A GET whose answer is plain text (e.g. `/readyz`), whatever its status; only a network failure throws. */
  async text(path: string, opts: RequestOptions = {}): Promise<{ status: number; body: string }> {
    const ctx = await this.#context(HttpMethod.GET, path, opts);
    const res = await this.#http.send(ctx).toPromise();
    return { status: res.httpStatusCode, body: await res.body.text() };
  }

  /** Opens a streaming GET (a watch); the caller reads and cancels the body. Non-2xx throws `ApiError`. */
  async stream(path: string, opts: RequestOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const ctx = await this.#context(HttpMethod.GET, path, opts);
    const res = await this.#http.send(ctx).toPromise();
    if (res.httpStatusCode !== 200) throw apiError(res.httpStatusCode, 'GET', path, await res.body.text());
    const body = res.body.stream();
    if (body === null) throw new ApiError(500, `GET ${path}: empty body`);
    return body;
  }
}

/** Sends of one request when the server asks to retry (client-go's default maxRetries is 10; a CLI should not hang longer). */
export const RETRY_AFTER_ATTEMPTS = 5;
/** The longest Retry-After obeyed, in seconds (client-go caps nothing; a bound keeps a command responsive). */
const RETRY_AFTER_MAX_SECONDS = 10;

/** The delay a 429 or 5xx answer asks for in its Retry-After header (whole seconds), undefined when none. */
export function retryAfterMs(status: number, headers: Readonly<Record<string, string>>): number | undefined {
  if (status !== 429 && status < 500) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'retry-after');
  const seconds = key === undefined ? Number.NaN : Number(headers[key]);
  if (!Number.isInteger(seconds) || seconds < 0) return undefined;
  return Math.min(seconds, RETRY_AFTER_MAX_SECONDS) * 1000;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function apiError(status: number, method: string, path: string, text: string): ApiError {
  let reason: string | undefined;
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { reason?: unknown; message?: unknown };
    if (typeof parsed.reason === 'string') reason = parsed.reason;
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not a Status object: keep the raw text
  }
  return new ApiError(status, `${method} ${path}: ${status} ${message}`, reason);
}

/**
 * `KubeConfig.loadFromDefault()` silently falls back to http://localhost:8080 when nothing is
 * configured (stack-notes.md); the composition root calls this to fail loudly instead.
 */
export function assertConfigured(kubeConfig: KubeConfig): void {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (server === undefined || server === 'http://localhost:8080') {
    throw new Error('no Kubernetes configuration found (no KUBECONFIG, ~/.kube/config nor in-cluster service account); client-node would fall back to http://localhost:8080');
  }
}

export type ObjectMeta = NonNullable<KubernetesObject['metadata']>;

/** `namespace/name` of an object (`name` alone when cluster-scoped). */
export function objectKey(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  return ns === '' ? name : `${ns}/${name}`;
}
