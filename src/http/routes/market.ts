// /api/market/*: stock detail, search, the stock list, quotes, and the market clock and calendar.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { clock, sessionOn, sessionsBetween, nyDate, type TradingSession } from '../../domain/calendar/index.ts';
import { normalizeSymbol } from '../../domain/symbols.ts';
import { badRequest } from '../../errors.ts';
import { PERIODS, type MarketDataService } from '../../services/market-data.ts';
import { Envelope, ListEnvelope, Nullable, OneOf, ok, okList, responses } from '../envelope.ts';
import { PageQuery, pageOf, paginationOf } from '../pagination.ts';

const Num = Type.Number();
const NullableNum = Nullable(Type.Number());
const NullableString = Nullable(Type.String());
const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

const QuoteSchema = Type.Object({
  symbol: Type.String(), price: Num, change: Num, changePercent: Num,
  open: NullableNum, high: NullableNum, low: NullableNum, previousClose: NullableNum,
  volume: Type.Integer(), currency: Type.String(), source: Type.String(), timestamp: DateTime,
});

const Indicators = Type.Union([Type.Record(Type.String(), NullableNum), Type.Null()], { description: 'null until indicators are computed' });

const StockDetail = Type.Object({
  symbol: Type.String(), name: Type.String(), currency: Type.String(),
  exchange: NullableString, sector: NullableString, industry: NullableString,
  price: Num, change: Num, changePercent: Num, volume: Type.Integer(),
  marketCap: NullableNum, high52w: NullableNum, low52w: NullableNum,
  historicalData: Type.Array(Type.Object({
    date: Type.String({ description: 'YYYY-MM-DD for daily bars, an ISO instant for 1m bars' }),
    open: Num, high: Num, low: Num, close: Num, adjustedClose: NullableNum, volume: Type.Integer(),
  })),
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
  date: Day, open: DateTime, close: DateTime,
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

export function marketRoutes(root: FastifyInstance, market: MarketDataService): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['market'];

  app.get('/api/market/stock/:symbol/', {
    schema: {
      tags, summary: 'Price, change, 52-week range and history of a stock (fetched on demand when new)',
      params: SymbolParam,
      querystring: Type.Object({
        period: Type.Optional(OneOf(PERIODS, { description: 'How far back historicalData goes (default 1y)' })),
        interval: Type.Optional(OneOf(['1d', '1m'] as const, { description: 'Daily bars or 1-minute bars (default 1d)' })),
      }),
      response: responses(Envelope(StockDetail), [404, 503]),
    },
  }, async (request) => {
    const { period = '1y', interval = '1d' } = request.query;
    return ok(await market.stockDetail(request.params.symbol, period, interval, request.log));
  });

  app.get('/api/market/search/', {
    schema: {
      tags, summary: 'Find stocks by symbol or name, best match first',
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 64 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })) }),
      response: responses(Envelope(Type.Array(SearchHit))),
    },
  }, async (request) => ok(await market.search(request.query.q, request.query.limit ?? 10)));

  app.get('/api/market/stocks/', {
    schema: {
      tags, summary: 'Known stocks, largest first, optionally of one sector',
      querystring: Type.Composite([PageQuery, Type.Object({ sector: Type.Optional(Type.String({ maxLength: 100 })) })]),
      response: responses(ListEnvelope(StockRow)),
    },
  }, async (request) => {
    const page = pageOf(request.query);
    const { rows, count } = await market.listStocks({ sector: request.query.sector }, page);
    return okList(rows.map((row) => ({ ...row, marketCap: row.marketCap === null ? null : Number(row.marketCap) })), paginationOf(request, page, count));
  });

  app.get('/api/market/quotes/', {
    schema: {
      tags, summary: `Latest quotes of up to ${MAX_QUOTES} symbols (comma-separated); unknown ones are left out`,
      querystring: Type.Object({ symbols: Type.String({ minLength: 1, maxLength: 2_000 }) }),
      response: responses(Envelope(Type.Array(QuoteSchema))),
    },
  }, async (request) => {
    const raw = request.query.symbols.split(',').map((s) => s.trim()).filter(Boolean);
    const invalid = raw.filter((s) => normalizeSymbol(s) === null);
    if (invalid.length > 0) throw badRequest('Invalid symbols.', { symbols: invalid.slice(0, 10).map((s) => `"${s}" is not a symbol.`) });
    const symbols = [...new Set(raw.map((s) => normalizeSymbol(s)!))];
    if (symbols.length > MAX_QUOTES) throw badRequest(`At most ${MAX_QUOTES} symbols per request.`, { symbols: [`Ask for at most ${MAX_QUOTES} symbols.`] });
    const quotes = await market.quotes(symbols);
    const missing = symbols.filter((s) => !quotes.some((q) => q.symbol === s));
    return ok(quotes, missing.length > 0 ? `No data for: ${missing.join(', ')}` : '');
  });

  app.get('/api/market/clock/', {
    schema: { tags, summary: 'Is the NYSE open now? Next open and close', response: responses(Envelope(Clock)) },
  }, async () => {
    const now = new Date();
    const state = clock(now);
    const today = sessionOn(nyDate(now));
    return ok({ ...state, session: today ? sessionView(today) : null });
  });

  app.get('/api/market/calendar/', {
    schema: {
      tags, summary: 'NYSE sessions between two dates (holidays left out, early closes marked)',
      querystring: Type.Object({ start: Type.Optional(Day), end: Type.Optional(Day) }),
      response: responses(Envelope(Type.Array(Session))),
    },
  }, async (request) => {
    const start = request.query.start ?? nyDate(new Date());
    const startMs = Date.parse(`${start}T00:00:00Z`);
    // The pattern lets 2026-13-45 through; Date.parse does not.
    if (!Number.isFinite(startMs)) throw badRequest('Invalid dates.', { start: ['Use a real date, YYYY-MM-DD.'] });
    const end = request.query.end ?? new Date(startMs + 30 * 86_400_000).toISOString().slice(0, 10);
    const days = (Date.parse(`${end}T00:00:00Z`) - startMs) / 86_400_000;
    if (!Number.isFinite(days)) throw badRequest('Invalid dates.', { end: ['Use a real date, YYYY-MM-DD.'] });
    if (days < 0) throw badRequest('end is before start.', { end: ['Must be on or after start.'] });
    if (days > MAX_CALENDAR_DAYS) throw badRequest('Range too long.', { end: ['Ask for at most 5 years at a time.'] });
    try {
      return ok(sessionsBetween(start, end).map(sessionView));
    } catch (error) {
      if (error instanceof RangeError) throw badRequest('Invalid dates.', { start: [error.message] });
      throw error;
    }
  });
}
