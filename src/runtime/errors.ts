// Errors with stable codes and a `cause` (style.md item 9). The reconcile contract reads one
// thing from an error: is it retryable? `TerminalError` and the non-retryable codes are logged
// and counted, never retried; everything else (including unknown errors) is retried with backoff.

/** Stable error codes of the runtime. The metric label and the log field are the code. */
export const ERROR_CODES = {
  /** The API server answered 409 (resourceVersion precondition or apply conflict): read again and retry. */
  Conflict: { retryable: true },
  /** The object is gone (404): retry so the next reconcile observes the deletion from the cache. */
  NotFound: { retryable: true },
  /** 429 / 5xx / network error: the API server is busy or away. */
  Unavailable: { retryable: true },
  /** 410 Gone: a resourceVersion or continue token expired; relist. */
  Expired: { retryable: true },
  /** 400 / 422: the request itself is wrong; retrying sends the same wrong request. */
  Invalid: { retryable: false },
  /** 401 / 403: credentials or RBAC; retried because RBAC may be fixed without restarting us. */
  Forbidden: { retryable: true },
  /** The object's content can never be reconciled as it is (a controller's decision). */
  Terminal: { retryable: false },
  /** Anything not classified. */
  Unknown: { retryable: true },
} as const satisfies Record<string, { retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Thrown by a reconciler when retrying cannot help; the controller logs and counts it, never retries. */
export class TerminalError extends Error {
  readonly code: ErrorCode = 'Terminal';
  override readonly name = 'TerminalError';
}

/** An HTTP answer of the API server other than 2xx; `reason` is the Status reason when there is one. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly reason: string | undefined;
  readonly code: ErrorCode;
  override readonly name = 'ApiError';
  constructor(statusCode: number, message: string, reason?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.statusCode = statusCode;
    this.reason = reason;
    this.code = codeForStatus(statusCode);
  }
}

export function codeForStatus(status: number): ErrorCode {
  if (status === 409) return 'Conflict';
  if (status === 404) return 'NotFound';
  if (status === 410) return 'Expired';
  if (status === 400 || status === 422 || status === 415) return 'Invalid';
  if (status === 401 || status === 403) return 'Forbidden';
  if (status === 429 || status >= 500) return 'Unavailable';
  return 'Unknown';
}

/** The stable code of any thrown value. */
export function errorCode(err: unknown): ErrorCode {
  if (err instanceof TerminalError || err instanceof ApiError) return err.code;
  return 'Unknown';
}

export function isRetryable(err: unknown): boolean {
  return ERROR_CODES[errorCode(err)].retryable;
}

export function isStatus(err: unknown, status: number): boolean {
  return err instanceof ApiError && err.statusCode === status;
}
