// Who may read /metrics (issue 19 item 6): the caller's bearer token is authenticated by a
// TokenReview and the user authorized by a SubjectAccessReview on the non-resource URL, verb
// `get`, as controller-runtime's secure metrics filter (`filters.WithAuthenticationAndAuthorization`)
// and kube-rbac-proxy do. The domain series name every tenant's credits and incidents: a pod of
// any tenant must not read them. Grant access with a ClusterRole holding
// `nonResourceURLs: [/metrics], verbs: [get]` (config/rbac/metrics-reader-clusterrole.yaml).
//
// No token: 401. A token the API server does not recognise: 401. Recognised but not allowed: 403.
// The API server unreachable: 503 (nothing is served on a decision that could not be made).
// Decisions are cached per token for `cacheTtlMs` (a scrape every 30 s costs no API call at
// steady state); the cache holds at most `cacheSize` tokens.
import { createHash } from 'node:crypto';
import type { Clock } from '../runtime/clock.ts';
import type { KubeClient } from '../runtime/kube.ts';

export type AuthDecision =
  | { readonly status: 200; readonly user: string }
  | { readonly status: 401 | 403 | 503; readonly reason: string };

export interface MetricsAuthorizer {
  /** Decides on one request: its `Authorization` header and the path and verb asked. */
  authorize(authorization: string | undefined, path: string, verb: 'get'): Promise<AuthDecision>;
}

export interface KubeAuthorizerOptions {
  readonly client: KubeClient;
  readonly clock: Clock;
  /** Default 60 s. */
  readonly cacheTtlMs?: number;
  /** Default 256 tokens. */
  readonly cacheSize?: number;
}

type TokenReview = { status?: { authenticated?: boolean; error?: string; user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } } };
type SubjectAccessReview = { status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string } };

/** The TokenReview + SubjectAccessReview authorizer, against the operator's own API server. */
export function kubeMetricsAuthorizer(options: KubeAuthorizerOptions): MetricsAuthorizer {
  const ttl = options.cacheTtlMs ?? 60_000;
  const size = options.cacheSize ?? 256;
  // Keyed by a digest of the token (and the path): the token itself is never kept.
  const cache = new Map<string, { at: number; decision: AuthDecision }>();
  return {
    async authorize(authorization, path, verb) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      const token = match?.[1];
      if (token === undefined) return { status: 401, reason: 'a bearer token is required (Authorization: Bearer <token>)' };
      const key = createHash('sha256').update(`${verb} ${path} ${token}`).digest('base64');
      const now = options.clock.now().getTime();
      const hit = cache.get(key);
      if (hit !== undefined && now - hit.at < ttl) return hit.decision;
      let decision: AuthDecision;
      try {
        decision = await decide(options.client, token, path, verb);
      } catch (err) {
        return { status: 503, reason: `cannot check the token with the API server: ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}` };
      }
      if (cache.size >= size) {
        for (const [k, v] of cache) if (now - v.at >= ttl) cache.delete(k);
        if (cache.size >= size) cache.clear();
      }
      cache.set(key, { at: now, decision });
      return decision;
    },
  };
}

async function decide(client: KubeClient, token: string, path: string, verb: 'get'): Promise<AuthDecision> {
  const review = await client.request<TokenReview>('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
  });
  const user = review.status?.user;
  if (review.status?.authenticated !== true || user?.username === undefined) {
    return { status: 401, reason: `token not authenticated${review.status?.error !== undefined && review.status.error !== '' ? `: ${review.status.error}` : ''}` };
  }
  const sar = await client.request<SubjectAccessReview>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    body: {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
      spec: {
        user: user.username, groups: user.groups ?? [],
        ...(user.uid !== undefined ? { uid: user.uid } : {}),
        ...(user.extra !== undefined ? { extra: user.extra } : {}),
        nonResourceAttributes: { path, verb },
      },
    },
  });
  if (sar.status?.allowed === true) return { status: 200, user: user.username };
  return { status: 403, reason: `user "${user.username}" cannot ${verb} path "${path}"${sar.status?.reason !== undefined && sar.status.reason !== '' ? `: ${sar.status.reason}` : ''}` };
}
