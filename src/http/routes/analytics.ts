// /api/analytics/*: the portfolio's summary, performance and risk, the correlation of stocks'
// daily returns and one stock's statistics. A number without enough history is null, and
// `reasons[field]` says why. Returns, volatility, drawdown and VaR are fractions (0.05 = 5%).
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { invalid } from '../../domain/errors.ts';
import { MAX_CORRELATION_SYMBOLS, PERIODS, type Period } from '../../domain/portfolio/analytics/index.ts';
import type { PortfolioAnalytics } from '../../services/analytics/portfolio.ts';
import type { StockAnalytics } from '../../services/analytics/stocks.ts';
import { Envelope, Nullable, OneOf, ok, responses } from '../envelope.ts';
import { callerOf } from '../plugins/auth.ts';

export interface AnalyticsRouteDeps {
  portfolioAnalytics: PortfolioAnalytics;
  stockAnalytics: StockAnalytics;
}

const Num = Type.Number();
const NullableNum = Nullable(Type.Number());
const NullableString = Nullable(Type.String());
const Reasons = Type.Record(Type.String(), Type.String(), { description: 'Why each null number is null, by field name' });
const Notes = Type.Array(Type.String(), { description: 'What the numbers leave out (unfilled history, other currencies)' });
const Symbol = Type.String({ minLength: 1, maxLength: 32 });

const Slice = Type.Object({ symbol: Type.String(), value: Num, weight: Type.Number({ description: 'Fraction of the priced value' }) });
const SectorSlice = Type.Object({ sector: Type.String(), value: Num, weight: Num, holdings: Type.Integer() });
const CurrencyAnalytics = Type.Object({
  currency: Type.String(), holdings: Type.Integer(), pricedHoldings: Type.Integer(),
  totalValue: NullableNum, totalCost: Num, unrealisedPnl: NullableNum, unrealisedPnlPercent: NullableNum,
  realisedPnl: Num, dividends: Num, totalPnl: NullableNum, dayChange: NullableNum, dayChangePercent: NullableNum,
  allocation: Type.Object({ byHolding: Type.Array(Slice), bySector: Type.Array(SectorSlice), unpriced: Type.Array(Type.String()) }),
  note: NullableString,
});
const Summary = Type.Object({ asOf: Type.String(), holdings: Type.Integer(), currencies: Type.Array(CurrencyAnalytics) });

const Point = Type.Object({
  date: Type.String(), value: NullableNum, inflow: Num, outflow: Num,
  growth: Nullable(Type.Number({ description: 'Growth of 1 from the start of the period (1 + TWR to date)' })),
  benchmarkGrowth: NullableNum,
});
const Performance = Type.Object({
  period: Type.String(), currency: NullableString, asOf: Type.String(), from: NullableString, to: NullableString, benchmark: Type.String(),
  timeWeightedReturn: NullableNum,
  moneyWeightedReturn: Nullable(Type.Number({ description: 'XIRR of the cash flows, annualised' })),
  moneyWeightedReturnPeriod: Nullable(Type.Number({ description: 'The same rate over the period' })),
  benchmarkReturn: NullableNum, startValue: NullableNum, endValue: NullableNum, netInflow: Num,
  series: Type.Array(Point),
  missingCloses: Type.Array(Type.Object({ symbol: Type.String(), days: Type.Integer(), first: Type.String(), last: Type.String() })),
  reasons: Reasons, notes: Notes,
});
const Risk = Type.Object({
  period: Type.String(), currency: NullableString, asOf: Type.String(), from: NullableString, to: NullableString, benchmark: Type.String(),
  riskFreeRate: Num, observations: Type.Integer(),
  volatility: NullableNum, sharpe: NullableNum, sortino: NullableNum,
  maxDrawdown: NullableNum, maxDrawdownPeak: NullableString, maxDrawdownTrough: NullableString, maxDrawdownRecovery: NullableString,
  beta: NullableNum, var95: NullableNum, cvar95: NullableNum, var95Amount: NullableNum, cvar95Amount: NullableNum,
  reasons: Reasons, notes: Notes,
});
const Correlation = Type.Object({
  period: Type.String(), from: NullableString, to: Type.String(), symbols: Type.Array(Type.String()),
  matrix: Type.Array(Type.Array(NullableNum)), observations: Type.Array(Type.Array(Type.Integer())),
  undefinedPairs: Type.Array(Type.Object({ a: Type.String(), b: Type.String(), reason: Type.String() })),
  notes: Notes,
});
const StockStats = Type.Object({
  symbol: Type.String(), benchmark: Type.String(), asOf: NullableString, lastClose: NullableNum,
  returns: Type.Object({ '1w': NullableNum, '1m': NullableNum, '3m': NullableNum, '1y': NullableNum }),
  volatility: NullableNum, beta: NullableNum,
  maxDrawdown: NullableNum, maxDrawdownPeak: NullableString, maxDrawdownTrough: NullableString, maxDrawdownRecovery: NullableString,
  reasons: Reasons, notes: Notes,
});

const PeriodParam = (fallback: Period) => Type.Optional(OneOf(PERIODS, { description: `1mo, 3mo, 6mo, 1y, ytd or max (default ${fallback})` }));
const SeriesQuery = (fallback: Period) => Type.Object({
  period: PeriodParam(fallback),
  benchmark: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Benchmark symbol (default SPY)' })),
  currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3, description: 'Which currency\'s holdings (default: the one with the most cost)' })),
});

const security: { [scheme: string]: string[] }[] = [{ bearer: [] }, { apiKey: [] }];
const authed = { auth: 'required' as const };

export function analyticsRoutes(root: FastifyInstance, deps: AnalyticsRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { portfolioAnalytics, stockAnalytics } = deps;
  const tags = ['analytics'];

  app.get('/api/analytics/portfolio/summary/', {
    config: authed,
    schema: {
      tags, security, summary: 'Value, cost, unrealised and realised P&L, dividends, day change and allocation by holding and sector, per currency',
      response: responses(Envelope(Summary), [401]),
    },
  }, async (request) => ok(await portfolioAnalytics.summary(callerOf(request).userId, request.log)));

  app.get('/api/analytics/portfolio/performance/', {
    config: authed,
    schema: {
      tags, security, summary: 'Daily value series, time-weighted and money-weighted (XIRR) returns, and the benchmark\'s return over the same days',
      querystring: SeriesQuery('1y'),
      response: responses(Envelope(Performance), [401, 503]),
    },
  }, async (request) => {
    const { period = '1y', benchmark, currency } = request.query;
    return ok(await portfolioAnalytics.performance(callerOf(request).userId, { period, benchmark, currency }, request.log));
  });

  app.get('/api/analytics/portfolio/risk/', {
    config: authed,
    schema: {
      tags, security, summary: 'Annualised volatility, Sharpe and Sortino, maximum drawdown with its dates, beta, 1-day historical VaR and CVaR at 95%',
      querystring: Type.Composite([SeriesQuery('1y'), Type.Object({
        risk_free_rate: Type.Optional(Type.Number({ minimum: -0.05, maximum: 0.5, description: 'Annual risk-free rate as a fraction (0.04 = 4%; default 0)' })),
      })]),
      response: responses(Envelope(Risk), [401, 503]),
    },
  }, async (request) => {
    const { period = '1y', benchmark, currency, risk_free_rate: riskFreeRate } = request.query;
    return ok(await portfolioAnalytics.risk(callerOf(request).userId, { period, benchmark, currency, riskFreeRate }, request.log));
  });

  app.get('/api/analytics/correlation/', {
    config: authed,
    schema: {
      tags, security, summary: `Correlation matrix of daily returns of up to ${MAX_CORRELATION_SYMBOLS} symbols (default: your holdings)`,
      querystring: Type.Object({
        symbols: Type.Optional(Type.String({ maxLength: 2_000, description: 'Comma-separated symbols' })),
        period: PeriodParam('1y'),
      }),
      response: responses(Envelope(Correlation), [401, 503]),
    },
  }, async (request) => {
    const { period = '1y' } = request.query;
    const raw = request.query.symbols?.split(',').map((symbol) => symbol.trim()).filter(Boolean);
    const symbols = raw !== undefined && raw.length > 0 ? raw : await portfolioAnalytics.heldSymbols(callerOf(request).userId, MAX_CORRELATION_SYMBOLS);
    if (raw === undefined && symbols.length < 2) throw invalid('Name the symbols.', { symbols: ['You hold fewer than two symbols: name at least two, comma-separated.'] });
    return ok(await stockAnalytics.correlation(symbols, period, request.log));
  });

  app.get('/api/analytics/stock/:symbol/stats/', {
    config: authed,
    schema: {
      tags, security, summary: 'Returns over 1w / 1m / 3m / 1y, annualised volatility, beta and maximum drawdown over the last year',
      params: Type.Object({ symbol: Symbol }),
      querystring: Type.Object({ benchmark: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Benchmark symbol (default SPY)' })) }),
      response: responses(Envelope(StockStats), [401, 404, 503]),
    },
  }, async (request) => ok(await stockAnalytics.stockStats(request.params.symbol, request.query.benchmark, request.log)));
}
