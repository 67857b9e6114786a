// Error reports to Sentry when SENTRY_DSN is set, nowhere otherwise. A client of our own (not the
// SDK's global one, and none of its automatic instrumentation): it sends what we capture — uncaught
// errors, 500 answers, jobs that failed for good — tagged with the request id, the route pattern or
// the job and run, and never a secret: no request bodies, headers, cookies or query strings, and
// every field or string that looks like a token, password or API key is replaced before sending.
import { REDACTED, scrubText, type ErrorContext, type ErrorReporter } from '../logging.ts';

export interface ErrorReports extends ErrorReporter {
  /** Waits (at most `timeoutMs`) until what was captured is sent; false when time ran out. */
  flush(timeoutMs: number): Promise<boolean>;
  close(timeoutMs?: number): Promise<void>;
}

/** Reports nowhere: SENTRY_DSN is not set. */
export const NO_REPORTS: ErrorReports = {
  capture() {},
  flush: async () => true,
  close: async () => {},
};

export interface ErrorReportSettings {
  dsn: string | null;
  environment: string;
  release: string;
  log: { warn(obj: object, msg: string): void };
}

/** Field names whose values are secrets, wherever they appear in an event. */
const SECRET_FIELD = /authorization|api[-_]?key|apikey|cookie|passw|secret|token|refresh|session|dsn|credential|signature/i;
/** A copy of any JSON-like value with secret fields and secrets in strings replaced. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 12) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) copy[key] = SECRET_FIELD.test(key) ? REDACTED : scrubValue(field, depth + 1);
  return copy;
}

// The shape of the parts of a Sentry event we touch (the SDK's types, kept loose on purpose).
interface SentryEvent {
  request?: { url?: string; method?: string; [key: string]: unknown };
  user?: unknown;
  exception?: { values?: Array<{ value?: string; type?: string; stacktrace?: { frames?: Array<{ vars?: unknown }> } }> };
  message?: string;
  breadcrumbs?: unknown[];
  extra?: Record<string, unknown>;
  contexts?: Record<string, unknown>;
  tags?: Record<string, unknown>;
}

/**
 * Sentry's beforeSend: no request data beyond method and path (no body, headers, cookies or query
 * string), no user fields, no local variables; secrets in messages and fields replaced.
 */
export function scrubEvent<E>(event: E): E {
  const e = event as SentryEvent;
  if (e.request) {
    const path = typeof e.request.url === 'string' ? e.request.url.split('?')[0] : undefined;
    e.request = { ...(path !== undefined ? { url: scrubText(path) } : {}), ...(e.request.method ? { method: e.request.method } : {}) };
  }
  delete e.user;
  if (typeof e.message === 'string') e.message = scrubText(e.message);
  for (const exception of e.exception?.values ?? []) {
    if (typeof exception.value === 'string') exception.value = scrubText(exception.value);
    for (const frame of exception.stacktrace?.frames ?? []) delete frame.vars;
  }
  if (e.breadcrumbs) e.breadcrumbs = e.breadcrumbs.map((crumb) => scrubValue(crumb));
  if (e.extra) e.extra = scrubValue(e.extra) as Record<string, unknown>;
  if (e.contexts) e.contexts = scrubValue(e.contexts) as Record<string, unknown>;
  if (e.tags) e.tags = scrubValue(e.tags) as Record<string, unknown>;
  return event;
}

/** Sentry's beforeBreadcrumb: the same scrubbing, query strings dropped from URLs. */
export function scrubBreadcrumb<B>(breadcrumb: B): B {
  const crumb = scrubValue(breadcrumb) as { data?: Record<string, unknown> };
  if (crumb.data && typeof crumb.data.url === 'string') crumb.data.url = crumb.data.url.split('?')[0];
  return crumb as B;
}

/** The event's tags: what identifies where the error happened, as strings. */
function tagsOf(context: ErrorContext): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    tags[key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] = String(value);
  }
  return tags;
}

/** Sentry when a DSN is given (the SDK is loaded only then), else NO_REPORTS. */
export async function openErrorReports(settings: ErrorReportSettings): Promise<ErrorReports> {
  if (!settings.dsn) return NO_REPORTS;
  const Sentry = await import('@sentry/node');
  const client = new Sentry.NodeClient({
    dsn: settings.dsn,
    environment: settings.environment,
    release: settings.release,
    transport: Sentry.makeNodeTransport,
    stackParser: Sentry.defaultStackParser,
    // Only what makes a report readable: causes (error.cause) and the runtime. No source lines (a
    // line may hold a literal), no HTTP, console or fetch instrumentation (no breadcrumb can carry
    // a URL with a key in it).
    integrations: [Sentry.linkedErrorsIntegration(), Sentry.nodeContextIntegration()],
    // Collect nothing about requests or users; beforeSend scrubs whatever still gets in.
    dataCollection: {
      userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false,
      databaseQueryData: false, queues: false, stackFrameVariables: false, frameContextLines: 0,
    },
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (breadcrumb) => scrubBreadcrumb(breadcrumb),
  });
  const scope = new Sentry.Scope();
  scope.setClient(client);
  client.init();
  return {
    capture(error, context) {
      try {
        const event = scope.clone();
        event.setTags(tagsOf(context));
        event.captureException(error);
      } catch (failure) {
        settings.log.warn({ err: failure }, 'could not report an error to Sentry');
      }
    },
    flush: async (timeoutMs) => client.flush(timeoutMs),
    close: async (timeoutMs = 2_000) => { await client.close(timeoutMs); },
  };
}
