// /api/portfolio/*: holdings, the summary, the watchlist, transactions (with CSV import) and fired
// alerts. Every route needs a caller and touches only the caller's rows: another user's holding,
// entry, transaction or alert is answered exactly as a missing one (404).
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../domain/errors.ts';
import { TRANSACTION_TYPES } from '../../domain/portfolio/index.ts';
import { dateField } from '../../domain/time.ts';
import type { AlertService } from '../../services/portfolio/alerts.ts';
import type { HoldingService } from '../../services/portfolio/holdings.ts';
import type { TransactionService } from '../../services/portfolio/transactions.ts';
import type { WatchlistService } from '../../services/portfolio/watchlist.ts';
import { Envelope, ListEnvelope, Nullable, OneOf, ok, okList, responses } from '../envelope.ts';
import { PageQuery, pageOf, paginationOf } from '../pagination.ts';
import { callerOf } from '../plugins/auth.ts';

export interface PortfolioRouteDeps {
  holdings: HoldingService;
  watchlist: WatchlistService;
  transactions: TransactionService;
  alerts: AlertService;
}

const Num = Type.Number();
const NullableNum = Nullable(Type.Number());
const NullableString = Nullable(Type.String());
const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Nullable(Type.String({ format: 'date-time' }));

/** An exact decimal: a JSON number, or a decimal string for more digits than a double keeps. */
const Amount = (description: string) => Type.Union([
  Type.Number(),
  Type.String({ maxLength: 40, pattern: '^\\s*[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?\\s*$' }),
], { description });
const NullableAmount = (description: string) => Type.Union([Amount(description), Type.Null()]);
const Notes = Type.Union([Type.String({ maxLength: 2_000 }), Type.Null()]);
const When = (description: string) => Type.String({ maxLength: 40, description });
const Symbol = Type.String({ minLength: 1, maxLength: 32 });
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A malformed id names nothing the caller owns: the same 404 as a missing one. */
function idOf(raw: string, what: string): string {
  if (!UUID.test(raw)) throw notFound(`${what} not found.`);
  return raw.toLowerCase();
}

const Holding = Type.Object({
  id: Type.String(), symbol: Type.String(), stockName: Type.String(), currency: Type.String(), sector: NullableString,
  shares: Num, averagePrice: Num, purchaseDate: NullableDateTime, notes: NullableString,
  totalCost: Num,
  currentPrice: NullableNum, previousClose: NullableNum,
  currentValue: Nullable(Type.Number({ description: 'shares × currentPrice; null (with valueReason) when there is no price: never 0' })),
  profitLoss: NullableNum, profitLossPercent: NullableNum, dayChange: NullableNum, dayChangePercent: NullableNum,
  priceAsOf: Nullable(Type.String({ format: 'date-time', description: 'When the price used was struck' })),
  priceSource: NullableString,
  valueReason: Nullable(Type.String({ description: 'Why currentValue and profitLoss are null' })),
  dayChangeReason: NullableString,
  realisedPnl: Type.Number({ description: 'P&L realised by sells (average-cost method)' }),
  dividends: Num,
  transactionCount: Type.Integer({ description: 'Transactions in the ledger (the opening buy of a holding created here counts)' }),
  createdAt: DateTime, updatedAt: DateTime,
});

const CurrencyBreakdown = Type.Object({
  currency: Type.String(), holdings: Type.Integer(), pricedHoldings: Type.Integer(),
  totalValue: Num, totalCost: Num, profitLoss: Num, profitLossPercent: Num,
  dayChange: NullableNum, dayChangePercent: NullableNum, realisedPnl: Num, dividends: Num, note: NullableString,
});

const Summary = Type.Object({
  totalHoldings: Type.Integer(), currency: Type.String({ description: 'Currency of the top-level totals (the one with the most cost)' }),
  totalValue: Num, totalCost: Num, profitLoss: Num, profitLossPercent: Num,
  dayChange: NullableNum, dayChangePercent: NullableNum, realisedPnl: Num, dividends: Num,
  currencyBreakdown: Type.Array(CurrencyBreakdown),
  note: NullableString,
});

const WatchlistEntry = Type.Object({
  id: Type.String(), symbol: Type.String(), stockName: Type.String(), currency: Type.String(),
  currentPrice: NullableNum, change: NullableNum, changePercent: NullableNum, priceAsOf: NullableDateTime,
  priceReason: Nullable(Type.String({ description: 'Why currentPrice is null' })),
  alertPriceAbove: NullableNum, alertPriceBelow: NullableNum,
  alertChangePercent: Nullable(Type.Number({ description: "Alert when the day's move is beyond ± this many percent" })),
  notes: NullableString, addedAt: DateTime,
});

const TransactionType = OneOf(TRANSACTION_TYPES, { description: 'buy, sell, dividend (shares × price received) or split (shares = new shares per old share)' });

const Transaction = Type.Object({
  id: Type.String(), holdingId: Type.String(), symbol: Type.String(), type: TransactionType,
  date: DateTime, tradingDate: Type.String({ description: 'New York session date, YYYY-MM-DD' }),
  shares: Num, price: Num, fees: Num, amount: NullableNum, currency: Type.String(),
  source: OneOf(['opening', 'manual', 'import'] as const), notes: NullableString, createdAt: DateTime, updatedAt: DateTime,
});

const LineNote = Type.Object({ line: Type.Integer(), reason: Type.String() });
const ImportReport = Type.Object({
  dryRun: Type.Boolean(), imported: Type.Integer(), duplicates: Type.Integer(), duplicateLines: Type.Array(Type.Integer()),
  ignored: Type.Array(LineNote), symbols: Type.Array(Type.String()), holdingsCreated: Type.Array(Type.String()),
  header: Type.Union([Type.Object({ line: Type.Integer(), columns: Type.Record(Type.String(), Type.String()) }), Type.Null()]),
});

const Alert = Type.Object({
  id: Type.String(), watchlistId: NullableString, symbol: Type.String(), kind: OneOf(['above', 'below', 'change_percent'] as const),
  threshold: Num, price: Num, changePercent: NullableNum, firedAt: DateTime, readAt: NullableDateTime, read: Type.Boolean(),
});

const DateOrder = OneOf(['mdy', 'dmy'] as const, { description: 'How to read slashed dates: 01/02/2024 is 2 January (mdy, default) or 1 February (dmy)' });
const Currency = Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217 code' });

const security: { [scheme: string]: string[] }[] = [{ bearer: [] }, { apiKey: [] }];
const authed = { auth: 'required' as const };

export function portfolioRoutes(root: FastifyInstance, deps: PortfolioRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { holdings, watchlist, transactions, alerts } = deps;
  const tags = ['portfolio'];
  const one = <T extends TSchema>(schema: T, errors: number[] = []) => responses(Envelope(schema), [401, 404, ...errors]);

  // Holdings

  app.get('/api/portfolio/holdings/', {
    config: authed,
    schema: {
      tags, security, summary: 'Your holdings, valued at the latest prices (closed positions with ?include_closed=true)',
      querystring: Type.Composite([PageQuery, Type.Object({ include_closed: Type.Optional(Type.Boolean()) })]),
      response: responses(ListEnvelope(Holding), [401]),
    },
  }, async (request) => {
    const page = pageOf(request.query);
    const { items, count } = await holdings.list(callerOf(request).userId, { includeClosed: request.query.include_closed === true }, { offset: page.offset, limit: page.pageSize }, request.log);
    return okList(items, paginationOf(request, page, count));
  });

  app.post('/api/portfolio/holdings/', {
    config: authed,
    schema: {
      tags, security, summary: 'Add a holding (one opening buy in its ledger); 409 when you already hold the symbol',
      body: Type.Object({
        symbol: Symbol,
        shares: Amount('Shares held (> 0, up to 10 decimals)'),
        averagePrice: Amount('Average price paid per share (> 0)'),
        purchaseDate: Type.Optional(Type.Union([When('YYYY-MM-DD or an ISO instant'), Type.Null()])),
        notes: Type.Optional(Notes),
      }),
      response: responses(Envelope(Holding), [401, 409, 503], 201),
    },
  }, async (request, reply) => {
    const holding = await holdings.create(callerOf(request).userId, request.body, request.log);
    return reply.status(201).send(ok(holding, 'Holding added'));
  });

  app.get('/api/portfolio/holdings/:id/', {
    config: authed,
    schema: { tags, security, summary: 'One of your holdings', params: IdParam, response: one(Holding) },
  }, async (request) => ok(await holdings.get(callerOf(request).userId, idOf(request.params.id, 'Holding'), request.log)));

  app.patch('/api/portfolio/holdings/:id/', {
    config: authed,
    schema: {
      tags, security, params: IdParam,
      summary: 'Change notes, or shares / average price / purchase date while the holding has no transactions but its opening buy',
      body: Type.Object({
        shares: Type.Optional(Amount('Shares held (> 0)')),
        averagePrice: Type.Optional(Amount('Average price (> 0)')),
        purchaseDate: Type.Optional(Type.Union([When('YYYY-MM-DD or an ISO instant'), Type.Null()])),
        notes: Type.Optional(Notes),
      }),
      response: one(Holding),
    },
  }, async (request) => ok(await holdings.update(callerOf(request).userId, idOf(request.params.id, 'Holding'), request.body, request.log), 'Holding updated'));

  app.delete('/api/portfolio/holdings/:id/', {
    config: authed,
    schema: { tags, security, summary: 'Delete a holding and its transactions', params: IdParam, response: one(Type.Null()) },
  }, async (request) => {
    await holdings.delete(callerOf(request).userId, idOf(request.params.id, 'Holding'));
    return ok(null, 'Holding deleted');
  });

  app.get('/api/portfolio/summary/', {
    config: authed,
    schema: {
      tags, security, summary: 'Totals of your holdings (in the main currency) and the breakdown per currency',
      response: responses(Envelope(Summary), [401]),
    },
  }, async (request) => ok(await holdings.summary(callerOf(request).userId, request.log)));

  // Watchlist

  const WatchFields = {
    alertPriceAbove: Type.Optional(NullableAmount('Alert when the price rises above this')),
    alertPriceBelow: Type.Optional(NullableAmount('Alert when the price falls below this')),
    alertChangePercent: Type.Optional(NullableAmount("Alert when the day's move is beyond ± this many percent")),
    notes: Type.Optional(Notes),
  };

  app.get('/api/portfolio/watchlist/', {
    config: authed,
    schema: { tags, security, summary: 'Your watchlist with the latest prices', querystring: PageQuery, response: responses(ListEnvelope(WatchlistEntry), [401]) },
  }, async (request) => {
    const page = pageOf(request.query);
    const { items, count } = await watchlist.list(callerOf(request).userId, { offset: page.offset, limit: page.pageSize }, request.log);
    return okList(items, paginationOf(request, page, count));
  });

  app.post('/api/portfolio/watchlist/', {
    config: authed,
    schema: {
      tags, security, summary: 'Watch a symbol, optionally with alert lines; 409 when it is already on your watchlist',
      body: Type.Object({ symbol: Symbol, ...WatchFields }),
      response: responses(Envelope(WatchlistEntry), [401, 409, 503], 201),
    },
  }, async (request, reply) => {
    const entry = await watchlist.create(callerOf(request).userId, request.body, request.log);
    return reply.status(201).send(ok(entry, 'Added to watchlist'));
  });

  app.get('/api/portfolio/watchlist/:id/', {
    config: authed,
    schema: { tags, security, summary: 'One watchlist entry', params: IdParam, response: one(WatchlistEntry) },
  }, async (request) => ok(await watchlist.get(callerOf(request).userId, idOf(request.params.id, 'Watchlist entry'), request.log)));

  app.patch('/api/portfolio/watchlist/:id/', {
    config: authed,
    schema: { tags, security, summary: 'Change alert lines or notes (null clears one)', params: IdParam, body: Type.Object(WatchFields), response: one(WatchlistEntry) },
  }, async (request) => ok(await watchlist.update(callerOf(request).userId, idOf(request.params.id, 'Watchlist entry'), request.body, request.log), 'Watchlist entry updated'));

  app.delete('/api/portfolio/watchlist/:id/', {
    config: authed,
    schema: { tags, security, summary: 'Stop watching a symbol', params: IdParam, response: one(Type.Null()) },
  }, async (request) => {
    await watchlist.delete(callerOf(request).userId, idOf(request.params.id, 'Watchlist entry'));
    return ok(null, 'Removed from watchlist');
  });

  // Transactions

  const day = (field: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    dateField(field, raw);
    return raw;
  };

  app.get('/api/portfolio/transactions/', {
    config: authed,
    schema: {
      tags, security, summary: 'Your transactions, newest first, by symbol, type and trading date (from/to inclusive, YYYY-MM-DD)',
      querystring: Type.Composite([PageQuery, Type.Object({
        symbol: Type.Optional(Symbol), type: Type.Optional(TransactionType),
        from: Type.Optional(When('First trading date, YYYY-MM-DD')), to: Type.Optional(When('Last trading date, YYYY-MM-DD')),
      })]),
      response: responses(ListEnvelope(Transaction), [401]),
    },
  }, async (request) => {
    const page = pageOf(request.query);
    const { symbol, type } = request.query;
    const filter = { symbol, type, from: day('from', request.query.from), to: day('to', request.query.to) };
    const { items, count } = await transactions.list(callerOf(request).userId, filter, { offset: page.offset, limit: page.pageSize });
    return okList(items, paginationOf(request, page, count));
  });

  app.post('/api/portfolio/transactions/', {
    config: authed,
    schema: {
      tags, security, summary: "Record a buy, sell, dividend or split; the holding's shares and average price follow (400 when the ledger cannot apply it)",
      body: Type.Object({
        symbol: Symbol,
        type: TransactionType,
        date: When('YYYY-MM-DD (that day) or an ISO instant with a zone'),
        shares: Amount('Shares (> 0); for a split, new shares per old share (2 for 2-for-1, 0.1 for 1-for-10)'),
        price: Type.Optional(Amount('Price per share (buy > 0, sell ≥ 0); a dividend per share; ignored for a split')),
        fees: Type.Optional(NullableAmount('Commission or withholding (≥ 0)')),
        currency: Type.Optional(Currency),
        notes: Type.Optional(Notes),
      }),
      response: responses(Envelope(Transaction), [401, 503], 201),
    },
  }, async (request, reply) => {
    const created = await transactions.create(callerOf(request).userId, request.body);
    return reply.status(201).send(ok(created, 'Transaction recorded'));
  });

  app.get('/api/portfolio/transactions/:id/', {
    config: authed,
    schema: { tags, security, summary: 'One transaction', params: IdParam, response: one(Transaction) },
  }, async (request) => ok(await transactions.get(callerOf(request).userId, idOf(request.params.id, 'Transaction'))));

  app.patch('/api/portfolio/transactions/:id/', {
    config: authed,
    schema: {
      tags, security, summary: 'Change a transaction (the ledger is re-run; 400 when it cannot apply the change)', params: IdParam,
      body: Type.Object({
        type: Type.Optional(TransactionType), date: Type.Optional(When('YYYY-MM-DD or an ISO instant with a zone')),
        shares: Type.Optional(Amount('Shares, or a split ratio')), price: Type.Optional(Amount('Price per share')),
        fees: Type.Optional(NullableAmount('Fees (≥ 0)')), notes: Type.Optional(Notes),
      }),
      response: one(Transaction),
    },
  }, async (request) => ok(await transactions.update(callerOf(request).userId, idOf(request.params.id, 'Transaction'), request.body), 'Transaction updated'));

  app.delete('/api/portfolio/transactions/:id/', {
    config: authed,
    schema: {
      tags, security, summary: 'Delete a transaction (a holding left without transactions goes too)', params: IdParam,
      response: one(Type.Object({ holdingDeleted: Type.Boolean() })),
    },
  }, async (request) => {
    const result = await transactions.delete(callerOf(request).userId, idOf(request.params.id, 'Transaction'));
    return ok(result, result.holdingDeleted ? 'Transaction deleted, and its holding with it (no transactions left)' : 'Transaction deleted');
  });

  // A CSV body (text/csv or text/plain) is read as text in this scope only.
  void root.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.withTypeProvider<TypeBoxTypeProvider>().post('/api/portfolio/transactions/import/', {
      config: authed,
      schema: {
        tags, security,
        summary: 'Import a CSV of transactions (generic columns date,symbol,type,shares,price,fees,currency or a broker export): all or nothing; rows already recorded are skipped',
        description: 'Send the file as the body with Content-Type: text/csv (options in the query), or as JSON {"csv": "...", "defaultCurrency", "dateOrder"}. ' +
          'A rejected row, an unknown symbol or a row the ledger cannot apply refuses the whole file: 400 with errors keyed "line N". ' +
          '?dryRun=true checks everything and writes nothing. At most 20,000 rows (and 1 MB) per file.',
        querystring: Type.Object({
          dryRun: Type.Optional(Type.Boolean()),
          defaultCurrency: Type.Optional(Currency),
          dateOrder: Type.Optional(DateOrder),
        }),
        body: Type.Union([
          Type.String({ minLength: 1, description: 'The CSV file (Content-Type: text/csv)' }),
          Type.Object({ csv: Type.String({ minLength: 1 }), defaultCurrency: Type.Optional(Currency), dateOrder: Type.Optional(DateOrder) }),
        ]),
        response: responses(Envelope(ImportReport), [401, 503]),
      },
    }, async (request) => {
      const { body, query } = request;
      const csv = typeof body === 'string' ? body : body.csv;
      const fromBody: { defaultCurrency?: string; dateOrder?: 'mdy' | 'dmy' } = typeof body === 'string' ? {} : body;
      const report = await transactions.import(callerOf(request).userId, csv, {
        defaultCurrency: fromBody.defaultCurrency ?? query.defaultCurrency,
        dateOrder: fromBody.dateOrder ?? query.dateOrder,
        dryRun: query.dryRun === true,
      });
      const what = `${report.imported} imported, ${report.duplicates} skipped as duplicates, ${report.ignored.length} ignored`;
      return ok(report, report.dryRun ? `Dry run: ${what}; nothing was written.` : `Import done: ${what}.`);
    });
  });

  // Fired alerts

  app.get('/api/portfolio/alerts/', {
    config: authed,
    schema: {
      tags, security, summary: 'Your fired price alerts, newest first (?read=false for unread ones)',
      querystring: Type.Composite([PageQuery, Type.Object({ read: Type.Optional(Type.Boolean()) })]),
      response: responses(ListEnvelope(Alert), [401]),
    },
  }, async (request) => {
    const page = pageOf(request.query);
    const { items, count } = await alerts.list(callerOf(request).userId, { read: request.query.read }, { offset: page.offset, limit: page.pageSize });
    return okList(items, paginationOf(request, page, count));
  });

  app.patch('/api/portfolio/alerts/:id/', {
    config: authed,
    // A PATCH without a body marks the alert read, as `{}` does.
    preValidation: (request, _reply, done) => {
      request.body ??= {};
      done();
    },
    schema: {
      tags, security, summary: 'Mark an alert read (default) or unread', params: IdParam,
      body: Type.Object({ read: Type.Optional(Type.Boolean({ default: true })) }),
      response: one(Alert),
    },
  }, async (request) => ok(await alerts.mark(callerOf(request).userId, idOf(request.params.id, 'Alert'), request.body?.read ?? true)));
}
