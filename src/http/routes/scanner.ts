// /api/market/scanner: the newest scan of a timeframe as the seed's five lists and overview, with
// API_CONTRACT's row fields.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { TIMEFRAMES, TRENDS } from '../../domain/scanner/index.ts';
import type { ScannerService } from '../../services/scanner/service.ts';
import { Envelope, Nullable, OneOf, ok, responses } from '../envelope.ts';

export interface ScannerRouteDeps {
  scanner: ScannerService;
}

const NullableNum = Nullable(Type.Number());

const ScanRow = Type.Object({
  symbol: Type.String(), name: Type.String(), currency: Type.String(),
  price: Type.Number(), change: Type.Number(), changePercent: Type.Number({ description: 'Percent: 5 means +5%' }),
  volume: Type.Integer(), avgVolume: Type.Integer({ description: 'Average volume of the 20 periods before this one' }),
  volumeRatio: Type.Number({ description: 'volume / avgVolume' }),
  isUnusualVolume: Type.Boolean({ description: 'volumeRatio > 2' }),
  isBreakout: Type.Boolean({ description: 'A move beyond ±5%, or a close out of the prior 20-period high-low range' }),
  support: NullableNum, resistance: NullableNum,
  rsi: NullableNum, sma20: NullableNum, sma50: NullableNum,
  trend: OneOf(TRENDS),
});

const ScannerAnswer = Type.Object({
  timeframe: OneOf(TIMEFRAMES),
  timestamp: Type.String({ format: 'date-time', description: 'When the scan ran' }),
  gainers: Type.Array(ScanRow), losers: Type.Array(ScanRow), mostActive: Type.Array(ScanRow),
  unusualVolume: Type.Array(ScanRow), breakouts: Type.Array(ScanRow),
  marketOverview: Type.Object({
    totalScanned: Type.Integer(), bullish: Type.Integer(), bearish: Type.Integer(),
    avgChange: Type.Number({ description: 'Mean changePercent of the scanned symbols' }),
  }),
});

export function scannerRoutes(root: FastifyInstance, deps: ScannerRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/market/scanner/', {
    schema: {
      tags: ['market'],
      summary: 'Gainers, losers, most active, unusual volume and breakouts of the newest market scan (rules in the README)',
      querystring: Type.Object({
        timeframe: Type.Optional(OneOf(TIMEFRAMES, { description: 'Periods compared: sessions, weeks or months (default daily)' })),
        sector: Type.Optional(Type.String({ maxLength: 100, description: 'Only this sector (see /api/market/sectors)' })),
        minPrice: Type.Optional(Type.Number({ minimum: 0 })),
        minVolume: Type.Optional(Type.Integer({ minimum: 0 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Rows per list (default 10)' })),
      }),
      response: responses(Envelope(ScannerAnswer), [404]),
    },
  }, async (request) => {
    const { timeframe = 'daily', sector, minPrice, minVolume, limit = 10 } = request.query;
    return ok(await deps.scanner.report({ timeframe, sector, minPrice, minVolume, limit }));
  });
}
