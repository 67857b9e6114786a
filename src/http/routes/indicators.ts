// /api/market/indicators/{symbol}: indicator series for charts, aligned on one axis of bars.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { SERIES_NAMES } from '../../services/indicators/names.ts';
import { SERIES_INTERVALS, type IndicatorSeries } from '../../services/indicators/series.ts';
import { Envelope, Nullable, OneOf, ok, responses } from '../envelope.ts';

export interface IndicatorRouteDeps {
  indicatorSeries: IndicatorSeries;
}

const Day = Type.String({ maxLength: 40, description: 'YYYY-MM-DD' });

const SeriesAnswer = Type.Object({
  symbol: Type.String(),
  interval: Type.String(),
  from: Type.String(),
  to: Type.String(),
  dates: Type.Array(Type.String(), { description: 'One per bar: YYYY-MM-DD (weekly and monthly: the last session of the period), or an ISO instant for 1m' }),
  series: Type.Record(Type.String(), Type.Array(Nullable(Type.Number())), { description: 'Each indicator asked for, aligned with dates; null during warm-up' }),
});

export function indicatorRoutes(root: FastifyInstance, deps: IndicatorRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/market/indicators/:symbol/', {
    schema: {
      tags: ['market'],
      summary: 'Indicator series of a stock for charts (daily, weekly or monthly bars from daily ones, or 1-minute bars)',
      params: Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 32 }) }),
      querystring: Type.Object({
        names: Type.Optional(Type.String({ maxLength: 500, description: `Comma-separated, any of: ${SERIES_NAMES.join(', ')} (vwap with interval=1m only). Default: all` })),
        from: Type.Optional(Day),
        to: Type.Optional(Day),
        interval: Type.Optional(OneOf(SERIES_INTERVALS, { description: 'Bars the series are computed on (default 1d)' })),
      }),
      response: responses(Envelope(SeriesAnswer), [404, 503]),
    },
  }, async (request) => ok(await deps.indicatorSeries.series(request.params.symbol, request.query, request.log)));
}
