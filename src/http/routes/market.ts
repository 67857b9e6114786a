// /api/market/*: stock detail, search, stocks and sectors, quotes, and the market clock and calendar.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { clock, nyDate, sessionOn, sessionsBetween, type TradingSession } from '../../domain/calendar/index.ts';
import { invalid } from '../../domain/errors.ts';
import { PERIODS } from '../../domain/market/period.ts';
import { normalizeSymbol } from '../../domain/market/symbol.ts';
import { addDays, DAY_MS, dateField, type Clock } from '../../domain/time.ts';
import { INDICATOR_WIRE_NAMES } from '../../services/indicators/names.ts';
import type { StockCatalog } from '../../services/market/catalog.ts';
import type { QuoteService } from '../../services/market/quotes.ts';
import type { StockDetailService } from '../../services/market/stock-detail.ts';
import { Envelope, ListEnvelope, Nullable, OneOf, ok, okList, responses } from '../envelope.ts';
import { PageQuery, pageOf, paginationOf } from '../pagination.ts';

export interface MarketRouteDeps {
  catalog: StockCatalog;
  quotes: QuoteService;
  stockDetail: StockDetailService;
  clock: Clock;
}

const Num = Type.Number();
const NullableNum = Nullable(Type.Number());
const NullableString = Nullable(Type.String());
const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ maxLength: 40, description: 'YYYY-MM-DD' });

const QuoteSchema = Type.Object({
  symbol: Type.String(), price: Num, change: Num, changePercent: Num,
  open: NullableNum, high: NullableNum, low: NullableNum, previousClose: NullableNum,
  volume: Type.Integer(), currency: Type.String(), source: Type.String(), timestamp: DateTime,
});

const Indicators = Type.Union([Type.Object({
  asOf: Type.String({ description: 'Session date of the daily bar the values are computed at: the newest one' }),
  close: Num,
  ...Object.fromEntries(INDICATOR_WIRE_NAMES.map((name) => [name, NullableNum])),
}), Type.Null()], { description: 'RSI 14, MACD (12, 26, 9), SMA 20/50/200, EMA 12/26, Bollinger (20, 2), ATR 14, OBV, Stochastic (14, 3, 3), ADX 14, CCI 20, MFI 14, Williams %R 14 at the newest daily bar (each null while the history is too short for it); null when the stock has no daily bar' });

const Coverage = Type.Object({
  from: Type.String(), to: Type.String(),
  sessions: Type.Integer({ description: 'NYSE sessions in the range that have closed' }),
  bars: Type.Integer({ description: 'Of those, how many have a bar' }),
  firstBar: NullableString, lastBar: NullableString,
  complete: Type.Boolean(),
  note: NullableString,
}, { description: 'What historicalData holds of the range asked for (daily bars)' });

const StockDetail = Type.Object({
  symbol: Type.String(), name: Type.String(), currency: Type.String(),
  exchange: NullableString, sector: NullableString, industry: NullableString,
  price: Num, change: Num, changePercent: Num, volume: Type.Integer(),
  marketCap: NullableNum, high52w: NullableNum, low52w: NullableNum,
  historicalData: Type.Array(Type.Object({
    date: Type.String({ description: 'YYYY-MM-DD for daily bars, an ISO instant for 1m bars' }),
    open: Num, high: Num, low: Num, close: Num, adjustedClose: NullableNum, volume: Type.Integer(),
  })),
  coverage: Type.Union([Coverage, Type.Null()]),
  indicators: Indicators,
  source: Type.String({ description: 'Where the price came from: yahoo, simulated or csv' }),
  asOf: DateTime,
  ageSeconds: Type.Integer({ description: 'How old the price is' }),
});

const StockRow = Type.Object({
  symbol: Type.String(), name: Type.String(), sector: NullableString, industry: NullableString,
  marketCap: NullableNum, exchange: NullableString, currency: Type.String(), isActive: Type.Boolean(),
});

const SearchHit = Type.Object({ symbol: Type.String(), name: Type.String(), sector: NullableString, exchange: NullableString, currency: Type.String() });

const Session = Type.Object({
  date: Type.String(), open: DateTime, close: DateTime,
  openNewYork: Type.String({ description: 'HH:MM New York time' }), closeNewYork: Type.String(), earlyClose: Type.Boolean(),
});
const Clock = Type.Object({ timestamp: DateTime, isOpen: Type.Boolean(), nextOpen: DateTime, nextClose: DateTime, session: Type.Union([Session, Type.Null()]) });

const NY_TIME = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const sessionView = (session: TradingSession) => ({
  date: session.date, open: session.open, close: session.close,
  openNewYork: NY_TIME.format(session.open), closeNewYork: NY_TIME.format(session.close), earlyClose: session.earlyClose,
});

const SymbolParam = Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 32 }) });
const MAX_QUOTES = 100;
const MAX_CALENDAR_DAYS = 5 * 366;
/** The years the NYSE calendar knows. */
const CALENDAR_YEARS = { first: '1990-01-01', last: '2099-12-31' };

export function marketRoutes(root: FastifyInstance, deps: MarketRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { catalog, quotes, stockDetail } = deps;
  const tags = ['market'];

  app.get('/api/market/stock/:symbol/', {
    schema: {
      tags, summary: 'Price, change, 52-week range and history of a stock (history filled from the provider when missing)',
      params: SymbolParam,
      querystring: Type.Object({
        period: Type.Optional(OneOf(PERIODS, { description: 'How far back historicalData goes (default 1y)' })),
        start: Type.Optional(Type.String({ maxLength: 40, description: 'First date of historicalData, YYYY-MM-DD (wins over period)' })),
        end: Type.Optional(Type.String({ maxLength: 40, description: 'Last date of historicalData, YYYY-MM-DD (default: today)' })),
        interval: Type.Optional(OneOf(['1d', '1m'] as const, { description: 'Daily bars or 1-minute bars (default 1d)' })),
      }),
      response: responses(Envelope(StockDetail), [404, 503]),
    },
  }, async (request) => {
    const { period, start, end, interval = '1d' } = request.query;
    return ok(await stockDetail.detail(request.params.symbol, { period, start, end, interval }, request.log));
  });

  app.get('/api/market/search/', {
    schema: {
      tags, summary: 'Find stocks by symbol or name, best match first',
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 64 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })) }),
      response: responses(Envelope(Type.Array(SearchHit))),
    },
  }, async (request) => ok(await catalog.search(request.query.q, request.query.limit ?? 10)));

  app.get('/api/market/stocks/', {
    schema: {
      tags, summary: 'Known stocks, largest first, optionally of one sector (see /api/market/sectors)',
      querystring: Type.Composite([PageQuery, Type.Object({ sector: Type.Optional(Type.String({ maxLength: 100 })) })]),
      response: responses(ListEnvelope(StockRow)),
    },
  }, async (request) => {
    const page = pageOf(request.query);
    const { rows, count } = await catalog.list({ sector: request.query.sector }, { offset: page.offset, limit: page.pageSize });
    return okList(rows.map((row) => ({ ...row, marketCap: row.marketCap === null ? null : Number(row.marketCap) })), paginationOf(request, page, count));
  });

  app.get('/api/market/sectors/', {
    schema: {
      tags, summary: 'The sectors of the known stocks, with how many stocks each has',
      response: responses(Envelope(Type.Array(Type.Object({ sector: Type.String(), stocks: Type.Integer() })))),
    },
  }, async () => ok(await catalog.sectors()));

  app.get('/api/market/quotes/', {
    schema: {
      tags, summary: `Latest quotes of up to ${MAX_QUOTES} symbols (comma-separated); fetched on demand when not cached`,
      querystring: Type.Object({ symbols: Type.String({ minLength: 1, maxLength: 2_000 }) }),
      response: responses(Envelope(Type.Array(QuoteSchema))),
    },
  }, async (request) => {
    const raw = request.query.symbols.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = raw.filter((s) => normalizeSymbol(s) === null);
    if (bad.length > 0) throw invalid('Invalid symbols.', { symbols: bad.slice(0, 10).map((s) => `"${s.slice(0, 32)}" is not a symbol.`) });
    const symbols = [...new Set(raw.map((s) => normalizeSymbol(s)!))];
    if (symbols.length > MAX_QUOTES) throw invalid(`At most ${MAX_QUOTES} symbols per request.`, { symbols: [`Ask for at most ${MAX_QUOTES} symbols.`] });
    const answer = await quotes.many(symbols, request.log);
    const notes = [
      answer.unknown.length > 0 ? `Unknown symbols: ${answer.unknown.join(', ')}.` : '',
      answer.noData.length > 0 ? `No data yet for: ${answer.noData.join(', ')}.` : '',
    ].filter(Boolean);
    return ok(answer.quotes, notes.join(' '));
  });

  app.get('/api/market/clock/', {
    schema: { tags, summary: 'Is the NYSE open now? Next open and close', response: responses(Envelope(Clock)) },
  }, async () => {
    const now = deps.clock.now();
    const today = sessionOn(nyDate(now));
    return ok({ ...clock(now), session: today ? sessionView(today) : null });
  });

  app.get('/api/market/calendar/', {
    schema: {
      tags, summary: 'NYSE sessions between two dates (holidays left out, early closes marked); at most 5 years at a time',
      querystring: Type.Object({ start: Type.Optional(Day), end: Type.Optional(Day) }),
      response: responses(Envelope(Type.Array(Session))),
    },
  }, async (request) => {
    const start = request.query.start ?? nyDate(deps.clock.now());
    const startMs = dateField('start', start);
    const end = request.query.end ?? addDays(start, 30);
    const days = (dateField('end', end) - startMs) / DAY_MS;
    if (start < CALENDAR_YEARS.first || end > CALENDAR_YEARS.last) throw invalid('Dates out of range.', { start: [`The calendar covers ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}.`] });
    if (days < 0) throw invalid('end is before start.', { end: ['Must be on or after start.'] });
    if (days > MAX_CALENDAR_DAYS) throw invalid('Range too long.', { end: ['Ask for at most 5 years at a time.'] });
    return ok(sessionsBetween(start, end).map(sessionView));
  });
}
