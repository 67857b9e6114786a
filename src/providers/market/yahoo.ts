// The `yahoo` market-data adapter: the port in ./port.ts over the npm package yahoo-finance2.
//
// Version: yahoo-finance2 3.15.x, the newest line whose engines allow Node 20 (4.x declares
// node >=22). The 3.x client still warns "Unsupported environment: Requires Node >= 22" when
// constructed on Node 20; it runs fine here, so that one known warning is dropped (see libLogger).
//
// What this file adds around the library:
// - a fetch wrapper per attempt: our timeout/abort signal on every request (crumb flow included),
//   the HTTP status of the data request recorded for classification, and 429/5xx answers turned
//   into errors before the library sees them (the library would `console.error(url)` on them);
// - a bounded retry with exponential backoff for timeouts, 429, 5xx, network errors and a stale
//   crumb, never for 404/unknown symbols or unusable answers;
// - ProviderError for every source failure, one warn line per failed call.
//
// Result validation is off (`validateResult: false`) and the fields we use are checked here:
// the library's JSON schemas lag Yahoo (3.15.4 rejects Yahoo's current search answers, whose
// `typeDisp` is now lower-case "equity"/"etf"), and one odd symbol must not fail a 50-symbol batch.
// Its type coercion still runs, so date fields may arrive as Date or as epoch seconds.

import YahooFinance from 'yahoo-finance2';
import { ExtendedCookieJar } from 'yahoo-finance2/lib/cookieJar';
import { getCrumbClear } from 'yahoo-finance2/lib/getCrumb';
import { barProblem, dailyBarTimestamp, type Bar } from '../../domain/market/bar.ts';
import { isoDate } from '../../domain/time.ts';
import type { Quote } from '../../domain/market/quote.ts';
import { callOutside, HttpStatusError, retryAfterMs, type Verdict } from '../outside-call.ts';
import type { CompanyProfile, HistoryRequest, MarketDataProvider, SymbolMatch } from './port.ts';

export interface YahooProviderOptions {
  /** Per-attempt budget in ms for one request (crumb flow included). */
  timeoutMs: number;
  /** Extra attempts after the first, for timeouts, 429, 5xx and network errors. */
  retries: number;
  /** Replaces globalThis.fetch for every request the library makes (tests point it at a local server). */
  fetch?: typeof fetch;
  logger?: { warn(obj: object, msg: string): void };
}

type FetchInput = Parameters<typeof fetch>[0];

/**
 * Symbols per v7/finance/quote request. Yahoo documents no maximum and accepts longer lists, but
 * the symbols travel in the query string: 50 keeps the URL well under 1 KB, keeps a failed batch
 * cheap to retry, and still covers 1000 symbols in 20 requests (1% of the hourly budget below).
 */
const MAX_SYMBOLS_PER_REQUEST = 50;
/** Yahoo serves 1m bars for the last 30 days only, at most 7 days per request. */
const ONE_MINUTE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const SEARCH_TYPES = new Set(['EQUITY', 'ETF']);

/** What one attempt saw of the data request (not the cookie/crumb requests). */
interface AttemptTrace {
  status?: number;
}

/**
 * Yahoo's cookies, shared by every provider in the process. yahoo-finance2 keeps the crumb in
 * module state (one per process) and, once it has served a cached crumb, stops checking the jar
 * (its memoised promise is never cleared on that path), so per-provider jars would send that crumb
 * with cookies it does not belong to. A 401 "Invalid Crumb" clears both (getCrumbClear) and retries.
 */
const cookieJar = new ExtendedCookieJar();

const NOT_FOUND = Symbol('not found');

/** A 2xx answer we could not use (unparsable, unexpected shape): retrying will not help. */
class UnusableAnswer extends Error {}
type NotFound = typeof NOT_FOUND;

export function createYahooProvider(options: YahooProviderOptions): MarketDataProvider {
  const { timeoutMs, retries } = options;
  const baseFetch = options.fetch ?? ((input: FetchInput, init?: RequestInit) => fetch(input, init));
  const logger = options.logger;

  const libLogger = {
    info: () => {},
    debug: () => {},
    dir: () => {},
    warn: (...args: unknown[]) => forwardLibraryLog(args),
    error: (...args: unknown[]) => forwardLibraryLog(args),
  };
  function forwardLibraryLog(args: unknown[]): void {
    const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    if (text.includes('Unsupported environment')) return; // Node 20 on the 3.x line, chosen on purpose.
    logger?.warn({ provider: 'yahoo', source: 'yahoo-finance2' }, text.split('\n')[0] ?? text);
  }

  const yf = new YahooFinance({
    cookieJar,
    logger: libLogger,
    suppressNotices: ['yahooSurvey', 'ripHistorical'],
    // On a validation error the library would otherwise query the npm registry for a newer version.
    versionCheck: false,
    validation: { logErrors: false, logOptionsErrors: true, allowAdditionalProps: true },
  });

  function wrapFetch(signal: AbortSignal, trace: AttemptTrace): typeof fetch {
    return async (input: FetchInput, init?: RequestInit): Promise<Response> => {
      const url = input instanceof Request ? input.url : String(input);
      const response = await baseFetch(input, { ...init, signal });
      const isDataRequest = isYahooApiUrl(url);
      if (isDataRequest) trace.status = response.status;
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel().catch(() => {});
        throw new HttpStatusError(response.status, url, retryAfterMs(response.headers.get('retry-after')));
      }
      return response;
    };
  }

  /** What one attempt's error means for Yahoo: 404 is "no such symbol", a bad crumb is retried with a new one. */
  function classify<T>(err: unknown, trace: AttemptTrace, op: string, empty: (() => T) | undefined): Verdict<T | NotFound> & { crumbReset?: boolean } {
    const context = { status: trace.status };
    if (err instanceof UnusableAnswer) return { fail: 'bad_response', retry: false, detail: err.message, context };
    if (err instanceof HttpStatusError) {
      return { fail: err.status === 429 ? 'rate_limited' : 'unavailable', retry: true, retryAfterMs: err.retryAfterMs, context };
    }
    const status = trace.status;
    // No answer to the data request: connection refused/reset, DNS, or the cookie/crumb flow failed.
    if (status === undefined) return { fail: 'unavailable', retry: true, context };
    if (status === 404) return { value: NOT_FOUND };
    const detail = `HTTP ${status}: ${err instanceof Error ? err.message : String(err)}`;
    // {"finance":{"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}: fetch a new one.
    if (status === 401 || status === 403) return { fail: 'unavailable', retry: true, detail, context, crumbReset: true };
    // chart: "1m data not available for startTime=… The requested range must be within the last 30 days."
    if (op === 'history' && status === 422 && empty && err instanceof Error && /not available/i.test(err.message)) return { value: empty() };
    // A 4xx refusing our request: asking again changes nothing.
    return { fail: 'bad_response', retry: false, detail, context };
  }

  /**
   * Runs one library call through the outside-call policy (timeout, bounded retries with backoff).
   * Resolves to NOT_FOUND when Yahoo answers 404 (unknown or delisted symbol).
   */
  function call<T>(
    op: string,
    target: string,
    callerSignal: AbortSignal | undefined,
    fn: (moduleOptions: { fetch: typeof fetch; validateResult: false }) => Promise<unknown>,
    parse: (raw: unknown) => T,
    empty?: () => T,
  ): Promise<T | NotFound> {
    let trace: AttemptTrace = {};
    let crumbReset = false;
    return callOutside<T | NotFound>({
      provider: 'yahoo', op, target,
      attempt: async (signal) => {
        trace = {};
        const raw = await fn({ fetch: wrapFetch(signal, trace), validateResult: false });
        try {
          return parse(raw);
        } catch (error) {
          throw new UnusableAnswer(error instanceof Error ? error.message : String(error));
        }
      },
      classify: (error) => {
        const verdict = classify(error, trace, op, empty);
        crumbReset = verdict.crumbReset === true;
        return verdict;
      },
      beforeRetry: async () => {
        if (crumbReset) await getCrumbClear(cookieJar).catch(() => {});
      },
    }, { policy: { timeoutMs, retries }, log: logger, signal: callerSignal });
  }

  async function quoteBatch(symbols: string[], signal?: AbortSignal): Promise<Quote[]> {
    const result = await call(
      'quotes',
      symbols.length === 1 ? (symbols[0] ?? '') : `${symbols.length} symbols`,
      signal,
      (moduleOptions) => yf.quote(symbols, { return: 'array' }, moduleOptions),
      (raw) => {
        if (!Array.isArray(raw)) throw new Error('quote: expected an array of quotes');
        const quotes: Quote[] = [];
        const skipped: string[] = [];
        for (const row of raw) {
          const quote = toQuote(row);
          if (quote) quotes.push(quote);
          else skipped.push(isRecord(row) ? String(row.symbol) : '?');
        }
        if (skipped.length > 0) {
          logger?.warn({ provider: 'yahoo', op: 'quotes', skipped }, 'yahoo quotes without price, currency or time skipped');
        }
        return quotes;
      },
    );
    return result === NOT_FOUND ? [] : result;
  }

  async function chartWindow(symbol: string, request: HistoryRequest, from: Date, to: Date, signal?: AbortSignal): Promise<Bar[]> {
    const result = await call(
      'history',
      symbol,
      signal,
      (moduleOptions) =>
        yf.chart(
          symbol,
          { period1: from, period2: to, interval: request.interval, includePrePost: false, events: 'div|split', return: 'array' },
          moduleOptions,
        ),
      (raw) => toBars(raw, request.interval),
      () => [],
    );
    return result === NOT_FOUND ? [] : result;
  }

  return {
    name: 'yahoo',
    maxSymbolsPerRequest: MAX_SYMBOLS_PER_REQUEST,
    // Yahoo publishes no limit for these unofficial endpoints and answers 429 when it objects.
    // 2000 requests/hour per IP is the figure usually quoted (the documented limit of Yahoo's old
    // public YQL API); treat it as a ceiling to pace under, not a promise.
    rateLimit: { requests: 2000, perMs: 60 * 60 * 1000 },
    testSymbol: 'AAPL',

    async quotes(symbols, signal) {
      const unique = [...new Set(symbols.map((s) => s.trim()).filter((s) => s.length > 0))];
      const quotes: Quote[] = [];
      // Sequential on purpose: callers already batch by maxSymbolsPerRequest, and parallel batches
      // would only spend the shared hourly budget in a burst.
      for (let i = 0; i < unique.length; i += MAX_SYMBOLS_PER_REQUEST) {
        quotes.push(...(await quoteBatch(unique.slice(i, i + MAX_SYMBOLS_PER_REQUEST), signal)));
      }
      return quotes;
    },

    async history(symbol, request, signal) {
      const fromMs = request.from.getTime();
      const toMs = request.to.getTime();
      // Yahoo takes whole seconds, and the library refuses period1 === period2.
      if (!(Math.floor(toMs / 1000) > Math.floor(fromMs / 1000))) return [];
      const windowMs = request.interval === '1m' ? ONE_MINUTE_WINDOW_MS : Number.POSITIVE_INFINITY;
      const byTime = new Map<number, Bar>();
      for (let start = fromMs; start < toMs; start += windowMs) {
        const end = Math.min(toMs, start + windowMs);
        const bars = await chartWindow(symbol, request, new Date(start), new Date(end), signal);
        for (const bar of bars) byTime.set(bar.timestamp.getTime(), bar);
      }
      return [...byTime.values()].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    },

    async profile(symbol, signal) {
      const result = await call(
        'profile',
        symbol,
        signal,
        (moduleOptions) => yf.quoteSummary(symbol, { modules: ['price', 'assetProfile'] }, moduleOptions),
        (raw) => toProfile(raw, symbol),
      );
      return result === NOT_FOUND ? null : result;
    },

    async search(query, limit, signal) {
      const q = query.trim();
      if (q.length === 0 || limit <= 0) return [];
      const result = await call(
        'search',
        q,
        signal,
        // Ask for extra: options, futures and Crunchbase entries are filtered out below.
        (moduleOptions) => yf.search(q, { quotesCount: Math.min(50, limit * 2 + 5), newsCount: 0 }, moduleOptions),
        (raw) => toMatches(raw).slice(0, limit),
      );
      return result === NOT_FOUND ? [] : result;
    },
  };
}

// ---- mapping Yahoo's answers onto the port ----

function toQuote(row: unknown): Quote | null {
  if (!isRecord(row)) return null;
  const symbol = str(row.symbol);
  const price = num(row.regularMarketPrice);
  const currency = str(row.currency);
  const timestamp = date(row.regularMarketTime);
  if (!symbol || price === null || !currency || !timestamp) return null;
  const previousClose = num(row.regularMarketPreviousClose);
  const change = num(row.regularMarketChange) ?? (previousClose !== null ? price - previousClose : 0);
  const changePercent =
    num(row.regularMarketChangePercent) ?? (previousClose ? ((price - previousClose) / previousClose) * 100 : 0);
  return {
    symbol,
    price,
    change,
    // v7/finance/quote gives percent units already (1.02 means +1.02%).
    changePercent,
    open: num(row.regularMarketOpen),
    high: num(row.regularMarketDayHigh),
    low: num(row.regularMarketDayLow),
    previousClose,
    volume: num(row.regularMarketVolume) ?? 0,
    currency,
    marketCap: num(row.marketCap),
    timestamp,
    source: 'yahoo',
  };
}

function toBars(raw: unknown, interval: HistoryRequest['interval']): Bar[] {
  if (!isRecord(raw) || !Array.isArray(raw.quotes)) throw new Error('chart: expected { meta, quotes[] }');
  const meta = isRecord(raw.meta) ? raw.meta : {};
  // Daily bars are stamped at the exchange's session open (e.g. 14:30 UTC for New York); the port
  // wants 00:00 UTC of the session date, which is the exchange-local date of that instant.
  const gmtOffsetMs = (num(meta.gmtoffset) ?? 0) * 1000;
  const bars: Bar[] = [];
  for (const q of raw.quotes) {
    if (!isRecord(q)) continue;
    const at = date(q.date);
    const open = num(q.open);
    const high = num(q.high);
    const low = num(q.low);
    const close = num(q.close);
    // Yahoo pads with all-null bars (holidays, the still-open minute); they carry no price.
    if (!at || open === null || high === null || low === null || close === null) continue;
    const timestamp = interval === '1d' ? dailyBarTimestamp(isoDate(new Date(at.getTime() + gmtOffsetMs))) : at;
    const bar: Bar = { timestamp, open, high, low, close, adjustedClose: interval === '1d' ? num(q.adjclose) : null, volume: num(q.volume) ?? 0 };
    // A bar the store would refuse (high below low, a zero price, a fractional volume) is dropped
    // here, so one bad bar does not cost the others of the answer.
    if (barProblem(bar) === null) bars.push(bar);
  }
  return bars;
}

function toProfile(raw: unknown, requested: string): CompanyProfile | null {
  if (!isRecord(raw)) throw new Error('quoteSummary: expected a result object');
  const price = isRecord(raw.price) ? raw.price : null;
  if (!price) return null; // Yahoo knows the symbol but has no listing for it.
  const asset = isRecord(raw.assetProfile) ? raw.assetProfile : {};
  const symbol = str(price.symbol) ?? requested;
  return {
    symbol,
    name: str(price.longName) ?? str(price.shortName) ?? symbol,
    sector: str(asset.sector),
    industry: str(asset.industry),
    marketCap: num(price.marketCap),
    exchange: str(price.exchangeName) ?? str(price.exchange),
    // Rare for a priced listing; better a USD guess than failing the whole profile.
    currency: str(price.currency) ?? 'USD',
  };
}

function toMatches(raw: unknown): SymbolMatch[] {
  if (!isRecord(raw) || !Array.isArray(raw.quotes)) throw new Error('search: expected { quotes[] }');
  const matches: SymbolMatch[] = [];
  for (const q of raw.quotes) {
    // Crunchbase entries (isYahooFinance: false) have no symbol; options, futures etc. are not tradable here.
    if (!isRecord(q) || q.isYahooFinance !== true) continue;
    const symbol = str(q.symbol);
    const type = str(q.quoteType);
    if (!symbol || !type || !SEARCH_TYPES.has(type)) continue;
    matches.push({
      symbol,
      name: str(q.longname) ?? str(q.shortname) ?? symbol,
      exchange: str(q.exchDisp) ?? str(q.exchange),
      type,
    });
  }
  return matches;
}

// ---- helpers ----

/** The query1/query2 API hosts, but not the crumb endpoint that lives there too. */
function isYahooApiUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return /^query\d\.finance\.yahoo\.com$/.test(u.hostname) && !u.pathname.startsWith('/v1/test/getcrumb');
  } catch {
    return false;
  }
}





function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value : null;
}

/** Dates as the library leaves them: coerced to Date, or epoch seconds when coercion did not run. */
function date(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  return null;
}
