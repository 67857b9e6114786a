// GET / and GET /api/: what this server is and where to go next, until the web pages take `/`.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Envelope, ok, responses } from '../envelope.ts';

const Home = Type.Object({
  name: Type.String(),
  version: Type.String(),
  description: Type.String(),
  docs: Type.String({ description: 'The API docs (OpenAPI UI)' }),
  openapi: Type.String({ description: 'The OpenAPI document' }),
  health: Type.String(),
});

export function homeRoutes(app: FastifyInstance, version: string): void {
  const home = ok({
    name: 'StockMind',
    version,
    description: 'Stock-market intelligence API: quotes, history, indicators, scanner, forecasts, news sentiment, portfolios.',
    docs: '/api/docs',
    openapi: '/api/docs/json',
    health: '/api/health/',
  }, 'StockMind API: see /api/docs');
  for (const path of ['/', '/api/']) {
    app.get(path, {
      config: { auth: 'none', rateLimit: false },
      schema: { tags: ['operations'], summary: 'What this server is, and where its docs are', response: responses(Envelope(Home)) },
    }, async () => home);
  }
}
