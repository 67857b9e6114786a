// Watchlist price alerts as quotes are recorded: crossing, re-arm, day's move, a line set beyond
// the price, delivery to every connection of the owner, and exactly once with two API instances
// on one database and one Redis (scaled column).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.ts';
import { WatchlistRepository } from '../../../src/db/repositories/watchlist.ts';
import type { Quote } from '../../../src/domain/market/quote.ts';
import { AlertService } from '../../../src/services/portfolio/alerts.ts';
import { listen, register } from '../../support/http.ts';
import { market, MARKET_NOW } from '../../support/market.ts';
import { connect, SCALE, type Frame, type WsClient } from '../../support/ws.ts';

const open: WsClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((ws) => ws.close()));
});

let second = 0;
/** A quote struck a second after the previous one, before the test clock's now. */
function quote(symbol: string, price: number, changePercent = 0): Quote {
  second += 1;
  return {
    symbol, price, change: 0, changePercent, open: null, high: null, low: null, previousClose: null,
    volume: 1_000 + second, currency: 'USD', marketCap: null, source: 'simulated',
    timestamp: new Date(MARKET_NOW.getTime() - 3_600_000 + second * 1_000),
  };
}

async function watch(app: App, userId: string, symbol: string, lines: { above?: string; below?: string; percent?: string }) {
  const repo = new WatchlistRepository(app.infra.database.db);
  const row = await repo.insert(userId, symbol, { alertPriceAbove: lines.above ?? null, alertPriceBelow: lines.below ?? null, alertChangePercent: lines.percent ?? null });
  // What the watchlist service does after a change.
  await app.services.priceAlerts.linesChanged(symbol);
  return row!;
}

async function owner(baseUrl: string, token: string): Promise<WsClient> {
  const ws = await connect(baseUrl, { query: { token } });
  open.push(ws);
  await ws.next('authenticated');
  return ws;
}

const recorded = (app: App, userId: string) => new AlertService(new WatchlistRepository(app.infra.database.db), app.infra.clock).list(userId, {}, { offset: 0, limit: 100 });
const alertsOf = (ws: WsClient) => ws.frames.filter((frame) => frame.type === 'alert').map((frame) => frame.data as Frame);

describe('price alerts', () => {
  const m = market();
  const record = (q: Quote) => m.server.app.services.ingest.record(q);

  it('fires once when the price crosses above the line, and again only after it came back', async () => {
    const user = await register(m.server.call);
    const ws = await owner(m.server.baseUrl, user.token);
    const entry = await watch(m.server.app, user.user.id, 'KO', { above: '100' });
    await record(quote('KO', 95));
    await record(quote('KO', 101));
    const first = await ws.next('alert');
    expect(first.data).toMatchObject({ symbol: 'KO', kind: 'above', threshold: 100, price: 101, watchlistId: entry.id, read: false, currency: 'USD', source: 'simulated' });
    expect(first.data.message).toContain('KO');
    await record(quote('KO', 102));
    await record(quote('KO', 99));
    await record(quote('KO', 100.5));
    const again = await ws.next('alert');
    expect(again.data).toMatchObject({ kind: 'above', price: 100.5 });
    // Published in order: an alert for 102 would have come before this one.
    expect(alertsOf(ws).map((alert) => alert.price)).toEqual([101, 100.5]);
    const { items } = await recorded(m.server.app, user.user.id);
    expect(items.map((alert) => alert.price)).toEqual([100.5, 101]);
    expect(items.map((alert) => alert.id)).toEqual([again.data.id, first.data.id]);
  });

  it('fires below the line and on the day\'s move beyond ±N%, each once per crossing', async () => {
    const user = await register(m.server.call);
    const ws = await owner(m.server.baseUrl, user.token);
    await watch(m.server.app, user.user.id, 'PEP', { below: '50', percent: '3' });
    await record(quote('PEP', 55, 1));
    await record(quote('PEP', 56, 3.5));
    expect((await ws.next('alert')).data).toMatchObject({ kind: 'change_percent', threshold: 3, changePercent: 3.5 });
    await record(quote('PEP', 49, -4));
    expect((await ws.next('alert')).data).toMatchObject({ kind: 'below', threshold: 50, price: 49 });
    await record(quote('PEP', 48, -3.5));
    await record(quote('PEP', 52, 1));
    await record(quote('PEP', 51, -3.2));
    expect((await ws.next('alert')).data).toMatchObject({ kind: 'change_percent', changePercent: -3.2 });
    expect(alertsOf(ws).map((alert) => alert.kind)).toEqual(['change_percent', 'below', 'change_percent']);
  });

  it('fires on the next quote for a line set where the price already is beyond it', async () => {
    const user = await register(m.server.call);
    const ws = await owner(m.server.baseUrl, user.token);
    await record(quote('MCD', 300));
    await watch(m.server.app, user.user.id, 'MCD', { above: '250' });
    await record(quote('MCD', 301));
    expect((await ws.next('alert')).data).toMatchObject({ kind: 'above', threshold: 250, price: 301 });
  });

  it('sends the alert to every connection of its owner, subscribed to the symbol or not, and to nobody else', async () => {
    const user = await register(m.server.call);
    const other = await register(m.server.call);
    const phone = await owner(m.server.baseUrl, user.token);
    const laptop = await owner(m.server.baseUrl, user.token);
    const stranger = await owner(m.server.baseUrl, other.token);
    laptop.send({ type: 'subscribe', symbol: 'WMT' });
    await laptop.next('subscribed');
    await watch(m.server.app, user.user.id, 'WMT', { below: '10' });
    await watch(m.server.app, other.user.id, 'WMT', { below: '5' });
    await record(quote('WMT', 20));
    await record(quote('WMT', 9));
    const [a, b] = [await phone.next('alert'), await laptop.next('alert')];
    expect(a.data.id).toBe(b.data.id);
    await record(quote('WMT', 4));
    // The stranger's own alert comes; the owner's did not reach them.
    expect((await stranger.next('alert')).data).toMatchObject({ threshold: 5, price: 4 });
    expect(alertsOf(stranger)).toHaveLength(1);
  });

  it('stops firing for a removed line', async () => {
    const user = await register(m.server.call);
    const ws = await owner(m.server.baseUrl, user.token);
    const repo = new WatchlistRepository(m.server.app.infra.database.db);
    const gone = await watch(m.server.app, user.user.id, 'DIS', { above: '100' });
    await record(quote('DIS', 90));
    await repo.delete(user.user.id, gone.id);
    await m.server.app.services.priceAlerts.linesChanged('DIS');
    await watch(m.server.app, user.user.id, 'SBUX', { above: '100' });
    await record(quote('SBUX', 90));
    await record(quote('DIS', 110));
    await record(quote('SBUX', 110));
    expect((await ws.next('alert')).data).toMatchObject({ symbol: 'SBUX' });
    expect(alertsOf(ws).map((alert) => alert.symbol)).toEqual(['SBUX']);
  });
});

describe.runIf(SCALE === 'scaled')('price alerts with two API instances on one database and Redis', () => {
  const m = market();
  let other: { app: App; baseUrl: string };
  beforeAll(async () => {
    other = await listen(m.server.environment.config, { provider: m.server.app.provider, clock: m.clock });
  });
  afterAll(async () => { await other?.app.close(); });

  it('records and delivers each crossing exactly once, to the owner\'s connections on both instances', async () => {
    const user = await register(m.server.call);
    const here = await owner(m.server.baseUrl, user.token);
    const there = await owner(other.baseUrl, user.token);
    await watch(m.server.app, user.user.id, 'CVX', { above: '200' });
    await m.server.app.services.ingest.record(quote('CVX', 190));
    // Both instances record the same crossing quote at once, and the next one too.
    const crossing = quote('CVX', 205);
    const beyond = quote('CVX', 206);
    await Promise.all([m.server.app.services.ingest.record(crossing), other.app.services.ingest.record(crossing)]);
    await Promise.all([m.server.app.services.ingest.record(beyond), other.app.services.ingest.record(beyond)]);
    // Back below on one instance, across again on the other: a second crossing.
    await other.app.services.ingest.record(quote('CVX', 195));
    await m.server.app.services.ingest.record(quote('CVX', 201));
    for (const ws of [here, there]) {
      await ws.next((frame) => frame.type === 'alert' && frame.data.price === 201);
      expect(alertsOf(ws).map((alert) => alert.price)).toEqual([205, 201]);
    }
    expect((await recorded(m.server.app, user.user.id)).items.map((alert) => alert.price)).toEqual([201, 205]);
  });
});
