// The one way StockMind calls the outside world (market data, news, LLMs): every attempt has a
// timeout and honours the caller's abort; failures are classified (down, slow, rate-limited,
// garbage); what is worth retrying is retried a bounded number of times with exponential backoff
// and jitter (or after the server's Retry-After); a call that finally fails logs one line and
// throws a ProviderError, which every edge treats as "unavailable, try again later".
import { Counter, Histogram } from 'prom-client';
import { backoffMs, sleep } from '../domain/time.ts';
import { Unavailable } from '../domain/errors.ts';

export type FailureKind = 'unavailable' | 'timeout' | 'rate_limited' | 'bad_response';

// Labelled by provider and operation (constants of the adapters), never by what was asked for.
const calls = new Counter({
  name: 'stockmind_provider_calls_total',
  help: 'Calls to outside services by provider, operation and outcome (ok, or the final failure: unavailable, timeout, rate_limited, bad_response; aborted by the caller)',
  labelNames: ['provider', 'op', 'outcome'] as const,
});
const callDuration = new Histogram({
  name: 'stockmind_provider_call_duration_seconds',
  help: 'Duration of calls to outside services, retries and their waits included',
  labelNames: ['provider', 'op'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
});
const retries = new Counter({
  name: 'stockmind_provider_retries_total',
  help: 'Failed attempts of outside calls that were retried, by failure kind (rate_limited: the source answered 429)',
  labelNames: ['provider', 'op', 'kind'] as const,
});
const retryWait = new Counter({
  name: 'stockmind_provider_retry_wait_seconds_total',
  help: 'Time spent waiting before retries of outside calls (backoff, or the source\'s Retry-After)',
  labelNames: ['provider'] as const,
});

/** A failure of an outside source (down, slow, rate-limited, garbage), as opposed to "no such thing". */
export class ProviderError extends Unavailable {
  constructor(
    readonly provider: string,
    message: string,
    readonly failure: FailureKind,
    options: { cause?: unknown; retryAfterSeconds?: number | null } = {},
  ) {
    super(message, options.retryAfterSeconds ?? null, { cause: options.cause });
  }
}

export interface CallPolicy {
  /** Budget of one attempt, in ms. */
  timeoutMs: number;
  /** Extra attempts after the first, for failures worth retrying. */
  retries: number;
  /** First retry waits about this long; each further one doubles it, up to backoffCapMs. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** The longest Retry-After we wait out within one call; longer ones fail the call at once. */
  maxRetryAfterMs?: number;
}

/** What an attempt's error means: a final value (e.g. "not found" as null), or a failure. */
export type Verdict<T> =
  | { value: T }
  | { fail: FailureKind; retry: boolean; retryAfterMs?: number | null; detail?: string; context?: Record<string, unknown> };

export interface OutsideCall<T> {
  provider: string;
  /** What is asked, for the log line: "quotes", "history", "top-headlines"... */
  op: string;
  /** Of what: a symbol, "50 symbols"... */
  target: string;
  attempt(signal: AbortSignal): Promise<T>;
  /** Reads a thrown error; the default understands HttpStatusError, timeouts and network errors. */
  classify?(error: unknown): Verdict<T>;
  /** Runs before a retry (e.g. to refresh a session cookie after a 401). */
  beforeRetry?(verdict: Verdict<T>): Promise<void>;
}

export interface CallContext {
  policy: CallPolicy;
  log?: { warn(obj: object, msg: string): void };
  signal?: AbortSignal;
}

/** An HTTP answer we did not want, with the server's Retry-After when it sent one. */
export class HttpStatusError extends Error {
  constructor(readonly status: number, readonly url: string, readonly retryAfterMs: number | null = null, detail = '') {
    super(`HTTP ${status} from ${safePath(url)}${detail ? `: ${detail}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** Retry-After as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** The usual reading of an HTTP client's error: status codes, network failures, bad bodies. */
export function classifyHttpError<T>(error: unknown): Verdict<T> {
  if (error instanceof HttpStatusError) {
    if (error.status === 429) return { fail: 'rate_limited', retry: true, retryAfterMs: error.retryAfterMs };
    if (error.status >= 500 || error.status === 408) return { fail: 'unavailable', retry: true, retryAfterMs: error.retryAfterMs };
    // 401/403 (a bad key) and other 4xx: asking again will not change the answer.
    return { fail: error.status === 401 || error.status === 403 ? 'unavailable' : 'bad_response', retry: false };
  }
  if (error instanceof SyntaxError) return { fail: 'bad_response', retry: false, detail: `unparsable answer: ${error.message}` };
  // fetch's TypeError ("fetch failed") and socket errors: the source did not answer.
  return { fail: 'unavailable', retry: true };
}

const DEFAULT_BACKOFF_BASE_MS = 250;
const DEFAULT_BACKOFF_CAP_MS = 5_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 10_000;

/** The caller's promise, abandoned (not cancelled) when the attempt's budget runs out. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {}); // It may still reject after we stopped waiting.
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

function describe(error: unknown, kind: FailureKind, timeoutMs: number, detail?: string): string {
  if (kind === 'timeout') return `no answer within ${timeoutMs} ms`;
  if (detail) return detail.replace(/\s+/g, ' ').slice(0, 200);
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').slice(0, 200);
}

/**
 * A caller's deadline (an AbortSignal.timeout: a person waits on the answer) is the source being
 * too slow, as any timeout is; any other abort is the caller's own business and passes through.
 */
function callerGaveUp(call: OutsideCall<unknown>, signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (!(reason instanceof Error) || reason.name !== 'TimeoutError') return reason;
  return new ProviderError(call.provider, `${call.provider} ${call.op} ${call.target}: no answer in the time the caller could wait`, 'timeout', { cause: reason });
}

export async function callOutside<T>(call: OutsideCall<T>, context: CallContext): Promise<T> {
  const labels = { provider: call.provider, op: call.op };
  const stop = callDuration.startTimer(labels);
  let outcome: FailureKind | 'ok' | 'aborted' = 'ok';
  try {
    return await attempts(call, context);
  } catch (error) {
    outcome = error instanceof ProviderError ? error.failure : 'aborted';
    throw error;
  } finally {
    stop();
    calls.inc({ ...labels, outcome });
  }
}

async function attempts<T>(call: OutsideCall<T>, context: CallContext): Promise<T> {
  const { policy, log, signal: callerSignal } = context;
  const classify = call.classify ?? classifyHttpError<T>;
  if (callerSignal?.aborted) throw callerGaveUp(call as OutsideCall<unknown>, callerSignal);
  for (let attempt = 0; ; attempt++) {
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    let verdict: Verdict<T>;
    let error: unknown;
    try {
      return await untilAborted(call.attempt(signal), signal);
    } catch (thrown) {
      if (callerSignal?.aborted) throw callerGaveUp(call, callerSignal);
      error = thrown;
      verdict = timeout.aborted ? { fail: 'timeout', retry: true } : classify(thrown);
    }
    if ('value' in verdict) return verdict.value;
    const wait = verdict.retryAfterMs ?? backoffMs(attempt, policy.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS, policy.backoffCapMs ?? DEFAULT_BACKOFF_CAP_MS);
    const waitTooLong = verdict.retryAfterMs != null && verdict.retryAfterMs > (policy.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS);
    if (!verdict.retry || attempt >= policy.retries || waitTooLong) {
      const detail = describe(error, verdict.fail, policy.timeoutMs, verdict.detail);
      log?.warn({ provider: call.provider, op: call.op, target: call.target, kind: verdict.fail, attempts: attempt + 1, ...verdict.context }, `${call.provider} ${call.op} failed: ${detail}`);
      const retryAfterSeconds = verdict.retryAfterMs != null ? Math.ceil(verdict.retryAfterMs / 1000) : null;
      throw new ProviderError(call.provider, `${call.provider} ${call.op} ${call.target}: ${detail}`, verdict.fail, { cause: error, retryAfterSeconds });
    }
    retries.inc({ provider: call.provider, op: call.op, kind: verdict.fail });
    retryWait.inc({ provider: call.provider }, wait / 1000);
    await call.beforeRetry?.(verdict);
    try {
      await sleep(wait, callerSignal);
    } catch {
      throw callerGaveUp(call as OutsideCall<unknown>, callerSignal!);
    }
  }
}

/** fetch with our checks: a status outside 2xx becomes an HttpStatusError carrying Retry-After. */
export async function checkedFetch(url: string, init: RequestInit & { signal: AbortSignal }, fetchImpl: typeof fetch = fetch): Promise<Response> {
  const response = await fetchImpl(url, init);
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
    throw new HttpStatusError(response.status, url, retryAfterMs(response.headers.get('retry-after')), detail);
  }
  return response;
}
