// The admission webhook's HTTPS server (admission.k8s.io/v1 AdmissionReview). It is a Runnable
// that does NOT need the leader lease (style.md item 12): every replica serves, from its own
// warm caches. Paths: POST /mutate, POST /validate, GET /healthz.
//
// Fail closed, always in time: the API server waits `timeoutSeconds` (5 s) and then applies
// `failurePolicy: Fail`. We answer first, always: a cold cache is waited for at most
// `cacheWaitMs`, and any request not decided within `answerWithinMs` is refused with a message
// saying why; an exception in a rule is refused too (InternalError), never allowed.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { GROUP, type InternalEndpoints } from '../api/v1alpha1/index.ts';
import type { Clock, Manager, Runnable, Timer } from '../runtime/index.ts';
import { deny, toResponse, violationMessage, type AdmissionRequest, type AdmissionReview, type Verdict } from './admission.ts';
import { InformerTenantView, VIEW_KINDS_TEXT } from './cache.ts';
import type { IdentityConfig } from './identity.ts';
import { mutate, mutationNeedsTenant } from './mutate.ts';
import { withShardLabel, type ShardLabelling } from './shard.ts';
import { validate } from './rules.ts';

export const MUTATE_PATH = '/mutate';
export const VALIDATE_PATH = '/validate';
export const HEALTH_PATH = '/healthz';

/** The API server gives up after the configuration's timeoutSeconds (5): we answer before. */
export const DEFAULT_ANSWER_WITHIN_MS = 4_000;
/** How long a request waits for cold caches before it is refused. */
export const DEFAULT_CACHE_WAIT_MS = 2_000;
/** An AdmissionReview holds the object twice; objects are at most ~1.5 MiB in etcd. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface TlsMaterial {
  /** PEM certificate chain. */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
}

/**
 * What the server reports per admission request (src/metrics defines it under controller-runtime's
 * names). `code`: the HTTP status; for an AdmissionReview answered with a denial, the denial's
 * status code (403 Forbidden, 422 Invalid: a rule refused; 500: a rule failed; 503: caches cold
 * or no decision in time), so that the webhook's own failures are counted apart from refusals.
 */
export interface WebhookMetrics {
  requestStarted(path: string): void;
  requestDone(path: string, code: number, seconds: number): void;
}

const noopWebhookMetrics: WebhookMetrics = { requestStarted() {}, requestDone() {} };

export interface WebhookServerOptions extends IdentityConfig {
  readonly manager: Manager;
  readonly tls: TlsMaterial;
  /** 0 picks a free port (see `listening`). */
  readonly port: number;
  /** Default 0.0.0.0 in a cluster; 127.0.0.1 for local development and tests. */
  readonly host?: string;
  readonly logger: Logger;
  /** Stamps, rule instants and the answer deadline; default the Manager's (the injected clock). */
  readonly clock?: Clock;
  readonly cacheWaitMs?: number;
  readonly answerWithinMs?: number;
  /** Probe targets refused as internal (SSRF); undefined: allowed (--allow-internal-probe-targets). */
  readonly internalEndpoints?: InternalEndpoints;
  /** Requests, codes and latency of POST /mutate and /validate. */
  readonly metrics?: WebhookMetrics;
  /** How long Incidents and ChangeRequests are kept, in months (--record-retention-months); default the domain's. */
  readonly retentionMonths?: number;
  /** `--shards` (shard.ts): stamp every object's shard label. The view caches then hold every bucket whatever the Manager reconciles. */
  readonly shards?: ShardLabelling;
}

export interface WebhookServer extends Runnable {
  /** Resolves with the bound address once listening; rejects if listening fails. */
  readonly listening: Promise<AddressInfo>;
  /** Replaces the serving certificate (cert-manager rotation); new connections use it. */
  setCertificate(tls: TlsMaterial): void;
}

/** Builds the server and registers the informers it reads with the Manager (call before `manager.start()`). */
export function createWebhookServer(options: WebhookServerOptions): WebhookServer {
  const view = new InformerTenantView(options.manager);
  const shards = options.shards;
  const log = options.logger.child({ component: 'webhook' });
  const clock = options.clock ?? options.manager.clock;
  const cacheWaitMs = options.cacheWaitMs ?? DEFAULT_CACHE_WAIT_MS;
  const answerWithinMs = options.answerWithinMs ?? DEFAULT_ANSWER_WITHIN_MS;
  const metrics = options.metrics ?? noopWebhookMetrics;
  const identity: IdentityConfig = { providerGroups: options.providerGroups, operatorUsername: options.operatorUsername, breakGlassGroups: options.breakGlassGroups ?? [] };
  let server: Server | undefined;
  let tls = options.tls;
  let resolveListening: (address: AddressInfo) => void = () => undefined;
  let rejectListening: (error: Error) => void = () => undefined;
  const listening = new Promise<AddressInfo>((resolve, reject) => { resolveListening = resolve; rejectListening = reject; });
  listening.catch(() => undefined); // observed by start()

  const coldCache = (): Verdict => deny('ServiceUnavailable', [{
    path: 'metadata',
    message: `the managedapps admission webhook cannot check this request yet: its caches of ${VIEW_KINDS_TEXT} are not synced after ${cacheWaitMs} ms (the operator is starting or cannot reach the API server); retry shortly`,
  }]);

  async function decide(path: string, request: AdmissionRequest): Promise<Verdict> {
    if (request.kind.group !== GROUP) return { allowed: true };
    // An SLAReport's write is judged on the request alone; its deletion on the reports (records.ts).
    const needsCache = path === VALIDATE_PATH ? request.kind.kind !== 'SLAReport' || request.operation === 'DELETE' : mutationNeedsTenant(request);
    if (needsCache && !(await view.waitForSync(cacheWaitMs))) return coldCache();
    return path === MUTATE_PATH
      ? withShardLabel(mutate(request, view, identity, clock.now()), request, shards)
      : validate(request, {
        view, identity, now: clock.now(),
        ...(options.internalEndpoints !== undefined ? { internalEndpoints: options.internalEndpoints } : {}),
        ...(options.retentionMonths !== undefined ? { retentionMonths: options.retentionMonths } : {}),
      });
  }

  async function answer(path: string, request: AdmissionRequest): Promise<Verdict> {
    let timer: Timer | undefined;
    const late = new Promise<Verdict>((resolve) => {
      timer = clock.setTimeout(() => {
        resolve(deny('ServiceUnavailable', [{ path: 'metadata', message: `the managedapps admission webhook could not decide within ${answerWithinMs} ms; retry shortly` }]));
      }, answerWithinMs);
    });
    try {
      return await Promise.race([decide(path, request), late]);
    } catch (err) {
      log.error({ err, uid: request.uid }, 'admission rule failed');
      return deny('InternalError', [{ path: 'metadata', message: `the managedapps admission webhook failed to check this request (${err instanceof Error ? err.message : String(err)}); refused` }]);
    } finally {
      timer?.cancel();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === HEALTH_PATH) {
      reply(res, 200, { status: 'ok' });
      return;
    }
    if (req.method !== 'POST' || (path !== MUTATE_PATH && path !== VALIDATE_PATH)) {
      reply(res, 404, { message: `no such endpoint: ${req.method ?? ''} ${path}` });
      return;
    }
    const arrived = clock.now().getTime();
    metrics.requestStarted(path);
    let code = 500;
    try {
      code = await admit(path, req, res);
    } finally {
      metrics.requestDone(path, code, (clock.now().getTime() - arrived) / 1000);
    }
  }

  /** Answers one admission request; returns the code it is counted under (WebhookMetrics). */
  async function admit(path: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
    let review: AdmissionReview;
    try {
      review = JSON.parse(await readBody(req)) as AdmissionReview;
    } catch (err) {
      reply(res, 400, { message: `not an AdmissionReview: ${err instanceof Error ? err.message : String(err)}` });
      return 400;
    }
    const request = review.request;
    if (request?.uid === undefined) {
      reply(res, 400, { message: 'AdmissionReview without request.uid' });
      return 400;
    }
    const verdict = await answer(path, request);
    const context = { hook: path.slice(1), uid: request.uid, operation: request.operation, kind: request.kind.kind, namespace: request.namespace, name: request.name, user: request.userInfo.username };
    if (verdict.allowed) log.debug({ ...context, patched: verdict.patch?.length ?? 0 }, 'admitted');
    else log.info({ ...context, reason: verdict.reason, message: violationMessage(verdict.violations) }, 'denied');
    const response = toResponse(request.uid, verdict);
    reply(res, 200, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
    return response.status?.code ?? 200;
  }

  return {
    name: 'webhook-server',
    needLeaderElection: false,
    listening,
    setCertificate(next: TlsMaterial): void {
      tls = next;
      server?.setSecureContext({ cert: next.cert, key: next.key });
    },
    async start(signal: AbortSignal): Promise<void> {
      const s = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
        handle(req, res).catch((err: unknown) => {
          log.error({ err }, 'webhook request failed');
          if (!res.headersSent) reply(res, 500, { message: 'internal error' });
        });
      });
      server = s;
      s.headersTimeout = 10_000;
      s.requestTimeout = 15_000;
      // Longer than the API server's idle keep-alive (Go's 90 s): the client closes an idle
      // connection, never the webhook as a request arrives (Node's 5 s default raced requests the
      // blocked event loop had not read yet: `connection reset by peer`, seen by `bench webhook`).
      s.keepAliveTimeout = 95_000;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port, options.host ?? '0.0.0.0', () => {
          s.off('error', reject);
          resolve();
        });
      }).catch((err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        rejectListening(error);
        throw error;
      });
      const address = s.address() as AddressInfo;
      log.info({ host: address.address, port: address.port }, 'admission webhook listening');
      resolveListening(address);
      if (!signal.aborted) await new Promise<void>((resolve) => { signal.addEventListener('abort', () => { resolve(); }, { once: true }); });
      await new Promise<void>((resolve) => {
        s.close(() => { resolve(); });
        s.closeAllConnections();
      });
      log.info('admission webhook stopped');
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')); });
    req.on('error', reject);
  });
}
