// The WebSocket protocol over real sockets: every message type, every limit, the slow-client rules
// and the 1001 close, on both scales (embedded: the in-process bus; scaled: Redis pub/sub).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { quoteKey, stockChannel } from '../../src/services/market/quote-ingest.ts';
import { userChannel } from '../../src/services/alerts/channel.ts';
import { register, startServer, type TestServer } from '../support/http.ts';
import { market, MARKET_NOW, type Market } from '../support/market.ts';
import { connect, until, type Frame, type WsClient } from '../support/ws.ts';

const open: WsClient[] = [];
async function client(server: TestServer, options: Parameters<typeof connect>[1] = {}): Promise<WsClient> {
  const ws = await connect(server.baseUrl, options);
  open.push(ws);
  return ws;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((ws) => ws.close()));
});

const publish = (m: Market, symbol: string, message: unknown) => m.server.app.infra.bus.publish(stockChannel(symbol), message);
const subscribed = (symbol: string) => (frame: Frame) => frame.type === 'subscribed' && frame.symbol === symbol;
const updateOf = (type: string, symbol: string) => (frame: Frame) => frame.type === type && frame.data?.symbol === symbol;
const errorCode = (code: string) => (frame: Frame) => frame.type === 'error' && frame.code === code;

describe('subscribing and live updates', () => {
  const m = market();

  it('confirms a subscription, then sends the latest quote at once, fetched on demand when none is cached', async () => {
    const ws = await client(m.server);
    ws.send({ type: 'subscribe', symbol: 'aapl' });
    expect(await ws.next()).toEqual({ type: 'subscribed', symbol: 'AAPL', message: 'Subscribed to AAPL' });
    const snapshot = await ws.next();
    expect(snapshot).toMatchObject({ type: 'stock_update', data: { symbol: 'AAPL', source: 'simulated', currency: 'USD' } });
    expect(snapshot.data.price).toBeGreaterThan(0);
    // The on-demand fetch was recorded like the job's: the REST quote is the same.
    const rest = await m.server.call('GET', '/api/market/quotes?symbols=AAPL');
    expect(rest.body.data[0].price).toBe(snapshot.data.price);
  });

  it('sends a subscriber outside market hours the last session\'s close at once', async () => {
    m.clock.set(new Date('2026-11-28T18:00:00Z')); // a Saturday; Friday the 27th closed early, at 13:00 New York
    try {
      // Another test may have cached a quote of Tuesday (this clock went back and forth; real time does not).
      await m.server.app.infra.cache.delete(quoteKey('XOM'));
      const ws = await client(m.server);
      ws.send({ type: 'subscribe', symbol: 'XOM' });
      await ws.next(subscribed('XOM'));
      const snapshot = await ws.next(updateOf('stock_update', 'XOM'));
      expect(snapshot.data).toMatchObject({ symbol: 'XOM', timestamp: '2026-11-27T18:00:00.000Z', source: 'simulated' });
      expect(snapshot.data.price).toBeGreaterThan(0);
    } finally {
      m.clock.set(MARKET_NOW);
    }
  });

  it('accepts the seed consumer\'s "action" for "type"', async () => {
    const ws = await client(m.server);
    ws.send({ action: 'subscribe', symbol: 'MSFT' });
    await ws.next(subscribed('MSFT'));
    ws.send({ action: 'unsubscribe', symbol: 'MSFT' });
    expect(await ws.next('unsubscribed')).toEqual({ type: 'unsubscribed', symbol: 'MSFT', message: 'Unsubscribed from MSFT' });
  });

  it('pushes each update type of the symbol\'s channel to its subscribers only', async () => {
    const [nvda, amzn] = [await client(m.server), await client(m.server)];
    nvda.send({ type: 'subscribe', symbol: 'NVDA' });
    amzn.send({ type: 'subscribe', symbol: 'AMZN' });
    await nvda.next(updateOf('stock_update', 'NVDA'));
    await amzn.next(updateOf('stock_update', 'AMZN'));
    for (const type of ['stock_update', 'indicator_update', 'sentiment_update', 'prediction_update']) {
      await publish(m, 'NVDA', { type, data: { symbol: 'NVDA', marker: type } });
      expect(await nvda.next()).toEqual({ type, data: { symbol: 'NVDA', marker: type } });
    }
    await publish(m, 'AMZN', { type: 'sentiment_update', data: { symbol: 'AMZN', marker: 'amzn' } });
    // AMZN's subscriber gets AMZN's update and none of NVDA's.
    expect(await amzn.next()).toEqual({ type: 'sentiment_update', data: { symbol: 'AMZN', marker: 'amzn' } });
    expect(amzn.frames.filter((frame) => frame.data?.symbol === 'NVDA')).toEqual([]);
  });

  it('ignores bus messages that are not updates', async () => {
    const ws = await client(m.server);
    ws.send({ type: 'subscribe', symbol: 'GOOGL' });
    await ws.next(updateOf('stock_update', 'GOOGL'));
    await publish(m, 'GOOGL', { type: 'drop_tables', data: {} });
    await publish(m, 'GOOGL', 'not an object');
    await publish(m, 'GOOGL', { type: 'indicator_update', data: { symbol: 'GOOGL', rsi14: 55 } });
    expect(await ws.next()).toEqual({ type: 'indicator_update', data: { symbol: 'GOOGL', rsi14: 55 } });
  });

  it('stops sending a symbol after unsubscribe', async () => {
    const ws = await client(m.server);
    for (const symbol of ['META', 'TSLA']) {
      ws.send({ type: 'subscribe', symbol });
      await ws.next(updateOf('stock_update', symbol));
    }
    ws.send({ type: 'unsubscribe', symbol: 'META' });
    await ws.next('unsubscribed');
    await publish(m, 'META', { type: 'stock_update', data: { symbol: 'META', price: 1 } });
    await publish(m, 'TSLA', { type: 'stock_update', data: { symbol: 'TSLA', price: 2 } });
    // Published in that order on one bus: had META's arrived, it would come first.
    expect(await ws.next()).toEqual({ type: 'stock_update', data: { symbol: 'TSLA', price: 2 } });
  });

  it('also sends price_update with ?alias=price_update, on /ws/ as on /ws/market/', async () => {
    const ws = await client(m.server, { path: '/ws/', query: { alias: 'price_update' } });
    ws.send({ type: 'subscribe', symbol: 'JPM' });
    const snapshot = await ws.next('stock_update');
    expect(await ws.next()).toEqual({ type: 'price_update', data: snapshot.data });
    await publish(m, 'JPM', { type: 'stock_update', data: { symbol: 'JPM', price: 3, change: 0.1, changePercent: 0.5, volume: 10 } });
    const live = await ws.next('stock_update');
    expect(await ws.next()).toEqual({ type: 'price_update', data: live.data });
  });

  it('answers {"type":"ping"} with pong', async () => {
    const ws = await client(m.server);
    ws.send({ type: 'ping' });
    expect(await ws.next()).toEqual({ type: 'pong' });
  });

  it('answers a plain HTTP request on the endpoint with 426 and the envelope', async () => {
    const answer = await m.server.call('GET', '/ws/market/');
    expect(answer.status).toBe(426);
    expect(answer.body).toMatchObject({ success: false, status: 'error', code: 426 });
  });
});

describe('bad messages get an error and the connection stays open', () => {
  const m = market();
  const cases: [string, string | object, string][] = [
    ['invalid JSON', '{"type": subscribe', 'invalid_json'],
    ['a JSON array', '[1,2]', 'invalid_json'],
    ['an unknown type', { type: 'buy', symbol: 'AAPL' }, 'unknown_type'],
    ['no type', { symbol: 'AAPL' }, 'invalid_message'],
    ['a subscribe without a symbol', { type: 'subscribe' }, 'invalid_message'],
    ['a malformed symbol', { type: 'subscribe', symbol: '$$$' }, 'invalid_symbol'],
    ['an unknown symbol', { type: 'subscribe', symbol: 'NOSUCH' }, 'unknown_symbol'],
    ['a message over 4 KB', JSON.stringify({ type: 'subscribe', symbol: 'AAPL', padding: 'x'.repeat(5000) }), 'message_too_large'],
    ['an auth without credentials', { type: 'auth' }, 'invalid_message'],
  ];
  for (const [name, message, code] of cases) {
    it(`${name} → ${code}`, async () => {
      const ws = await client(m.server);
      ws.send(message);
      const error = await ws.next();
      expect(error).toMatchObject({ type: 'error', code });
      expect(error.message).toEqual(expect.any(String));
      ws.send({ type: 'ping' });
      expect(await ws.next()).toEqual({ type: 'pong' });
    });
  }
});

describe('who is connected: token, subprotocol, auth message, API key', () => {
  const m = market();
  let user: Awaited<ReturnType<typeof register>>;
  beforeAll(async () => { user = await register(m.server.call); });

  it('takes a token from ?token=', async () => {
    const ws = await client(m.server, { query: { token: user.token } });
    expect(await ws.next()).toMatchObject({ type: 'authenticated', tier: 'basic' });
  });

  it('takes a token offered as a Sec-WebSocket-Protocol beside "bearer", and selects "bearer"', async () => {
    const ws = await client(m.server, { protocols: ['bearer', user.token] });
    expect(ws.socket.protocol).toBe('bearer');
    expect(await ws.next()).toMatchObject({ type: 'authenticated', tier: 'basic' });
  });

  it('takes a first {"type":"auth","token"} message', async () => {
    const ws = await client(m.server);
    ws.send({ type: 'auth', token: user.token });
    expect(await ws.next()).toMatchObject({ type: 'authenticated', tier: 'basic' });
  });

  it('takes an API key (?apiKey=, X-API-Key, or in the auth message)', async () => {
    const viaQuery = await client(m.server, { query: { apiKey: user.apiKey } });
    expect(await viaQuery.next()).toMatchObject({ type: 'authenticated' });
    const viaHeader = await client(m.server, { headers: { 'x-api-key': user.apiKey } });
    expect(await viaHeader.next()).toMatchObject({ type: 'authenticated' });
    const viaMessage = await client(m.server);
    viaMessage.send({ type: 'auth', apiKey: user.apiKey });
    expect(await viaMessage.next()).toMatchObject({ type: 'authenticated' });
  });

  it('keeps a connection with a bad token open, anonymous', async () => {
    const ws = await client(m.server, { query: { token: 'not.a.token' } });
    expect(await ws.next()).toMatchObject({ type: 'error', code: 'unauthenticated' });
    ws.send({ type: 'auth', apiKey: 'sm_wrong' });
    expect(await ws.next()).toMatchObject({ type: 'error', code: 'unauthenticated' });
    ws.send({ type: 'subscribe', symbol: 'AAPL' });
    await ws.next(subscribed('AAPL'));
  });

  it('relays an alert on the user\'s channel to every connection of theirs, and to nobody else', async () => {
    const other = await register(m.server.call);
    const first = await client(m.server, { query: { token: user.token } });
    const second = await client(m.server, { protocols: ['bearer', user.token] });
    const stranger = await client(m.server, { query: { token: other.token } });
    for (const ws of [first, second, stranger]) await ws.next('authenticated');
    const alert = { type: 'alert', data: { symbol: 'AAPL', kind: 'price_above', threshold: 200, price: 201 } };
    await m.server.app.infra.bus.publish(userChannel(user.user.id), alert);
    await m.server.app.infra.bus.publish(userChannel(other.user.id), { type: 'alert', data: { symbol: 'MSFT', for: 'other' } });
    expect(await first.next('alert')).toEqual(alert);
    expect(await second.next('alert')).toEqual(alert);
    expect(await stranger.next('alert')).toEqual({ type: 'alert', data: { symbol: 'MSFT', for: 'other' } });
  });
});

describe('symbols per connection by tier', () => {
  const m = market({ env: { WS_SYMBOLS_ANONYMOUS: '2', WS_SYMBOLS_BASIC: '3', WS_SYMBOLS_PREMIUM: '4', WS_SYMBOLS_PRO: '5' } });
  const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META'];

  async function subscribeUntilRefused(ws: WsClient): Promise<number> {
    for (const [index, symbol] of SYMBOLS.entries()) {
      ws.send({ type: 'subscribe', symbol });
      const answer = await ws.next((frame) => frame.type === 'subscribed' || frame.type === 'error');
      if (answer.type === 'error') {
        expect(answer).toMatchObject({ code: 'symbol_limit', symbol });
        return index;
      }
    }
    return SYMBOLS.length;
  }

  it('gives anonymous connections, basic, premium and pro users their tier\'s number of symbols', async () => {
    expect(await subscribeUntilRefused(await client(m.server))).toBe(2);
    for (const [tier, limit] of [['basic', 3], ['premium', 4], ['pro', 5]] as const) {
      const user = await register(m.server.call);
      await m.server.app.repositories.users.setTier(user.email, tier, new Date());
      // The principal may be cached from registration: a fresh login reads the tier.
      await m.server.app.infra.cache.delete(`principal:${user.user.id}`);
      const ws = await client(m.server, { query: { apiKey: user.apiKey } });
      expect(await ws.next('authenticated')).toMatchObject({ tier });
      expect(await subscribeUntilRefused(ws)).toBe(limit);
    }
  });

  it('lets a connection subscribe again to a symbol it has, and frees a slot on unsubscribe', async () => {
    const ws = await client(m.server);
    expect(await subscribeUntilRefused(ws)).toBe(2);
    ws.send({ type: 'subscribe', symbol: 'AAPL' });
    await ws.next(subscribed('AAPL'));
    ws.send({ type: 'unsubscribe', symbol: 'AAPL' });
    await ws.next('unsubscribed');
    ws.send({ type: 'subscribe', symbol: 'META' });
    await ws.next(subscribed('META'));
  });
});

describe('the original web client: anonymous, every watchlist symbol at once', () => {
  const m = market();
  it('subscribes 50 symbols in one burst and is refused the 51st', async () => {
    const symbols = (await m.server.app.services.catalog.active(51));
    const ws = await client(m.server);
    for (const symbol of symbols) ws.send({ type: 'subscribe', symbol });
    expect(await ws.next('error')).toMatchObject({ code: 'symbol_limit', symbol: symbols[50] });
    expect(ws.frames.filter((frame) => frame.type === 'subscribed').map((frame) => frame.symbol)).toEqual(symbols.slice(0, 50));
    // Each gets its latest quote once, though fetching it on demand also published it.
    const quotes = await until(() => {
      const received = ws.frames.filter((frame) => frame.type === 'stock_update');
      return received.length >= 50 && received;
    });
    expect(quotes.map((frame) => frame.data.symbol).sort()).toEqual(symbols.slice(0, 50).sort());
  });
});

describe('connections per IP and per user', () => {
  const m = market({ env: { WS_CONNECTIONS_PER_IP: '3', WS_CONNECTIONS_PER_USER: '2' } });

  it('refuses a connection past the per-IP limit with an error and 1008, and takes one again once another left', async () => {
    const held = [await client(m.server), await client(m.server), await client(m.server)];
    const extra = await client(m.server);
    expect(await extra.next()).toMatchObject({ type: 'error', code: 'too_many_connections' });
    expect((await extra.closed).code).toBe(1008);
    await held[0]!.close();
    await until(() => m.server.app.realtime.stats().connections === 2);
    const again = await client(m.server);
    again.send({ type: 'ping' });
    expect(await again.next()).toEqual({ type: 'pong' });
  });

  it('refuses a user\'s connection past the per-user limit', async () => {
    const user = await register(m.server.call);
    const first = await client(m.server, { query: { token: user.token } });
    const second = await client(m.server, { query: { token: user.token } });
    await first.next('authenticated');
    await second.next('authenticated');
    const third = await client(m.server, { query: { token: user.token } });
    expect(await third.next()).toMatchObject({ type: 'error', code: 'too_many_connections' });
    expect((await third.closed).code).toBe(1008);
  });
});

describe('client messages per second', () => {
  const m = market({ env: { WS_MESSAGES_PER_SECOND: '2', WS_MESSAGE_BURST: '3' } });

  it('answers messages past the burst with one rate_limited error, and accepts more as the bucket refills', async () => {
    const ws = await client(m.server);
    for (let i = 0; i < 6; i += 1) ws.send({ type: 'ping' });
    for (let i = 0; i < 3; i += 1) expect(await ws.next()).toEqual({ type: 'pong' });
    const error = await ws.next();
    expect(error).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    // A second refills two tokens at 2 a second: two answered, the third refused with a new error.
    m.clock.advance(1_000);
    for (let i = 0; i < 3; i += 1) ws.send({ type: 'ping' });
    expect(await ws.next()).toEqual({ type: 'pong' });
    expect(await ws.next()).toEqual({ type: 'pong' });
    expect(await ws.next()).toMatchObject({ type: 'error', code: 'rate_limited' });
    m.clock.advance(500);
    ws.send({ type: 'ping' });
    expect(await ws.next()).toEqual({ type: 'pong' });
    // Messages 4 to 6 of the first burst were refused with one error: at most one a second.
    expect(ws.frames.filter(errorCode('rate_limited'))).toHaveLength(2);
  });
});

describe('heartbeat', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Only intervals are faked: sockets, the database and timeouts run for real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    server = await startServer({ WS_HEARTBEAT_SECONDS: '30' });
  });
  afterAll(async () => {
    await server.close();
    vi.useRealTimers();
  });

  it('closes a connection that stops answering pings, and keeps one that answers', async () => {
    const silent = await client(server, { options: { autoPong: false } });
    const healthy = await client(server);
    const pinged = new Promise<void>((resolve) => healthy.socket.once('ping', () => resolve()));
    vi.advanceTimersByTime(30_000);
    await pinged;
    // The pong went out before this message on the same socket: once the server answers it, it has the pong.
    healthy.send({ type: 'ping' });
    await healthy.next('pong');
    vi.advanceTimersByTime(30_000);
    expect((await silent.closed).code).toBe(1006);
    healthy.send({ type: 'ping' });
    expect(await healthy.next('pong')).toEqual({ type: 'pong' });
    expect(server.app.realtime.stats().connections).toBe(1);
  });
});

describe('a slow client never slows the others', () => {
  const m = market({ env: { WS_SEND_BUFFER_BYTES: String(64 * 1024), WS_STUCK_SECONDS: '60' } });
  const padding = 'x'.repeat(16 * 1024);

  /** Publishes numbered updates of a symbol until the hub says a client is congested; the last number. */
  async function congest(symbol: string, from: number): Promise<number> {
    let seq = from;
    await until(async () => {
      for (let i = 0; i < 50; i += 1) await publish(m, symbol, { type: 'stock_update', data: { symbol, seq: ++seq, padding } });
      return m.server.app.realtime.stats().congested > 0;
    }, 60_000);
    return seq;
  }

  it('replaces a stuck reader\'s pending updates by the newest while a fast reader gets every one', async () => {
    const slow = await client(m.server);
    const fast = await client(m.server);
    for (const ws of [slow, fast]) {
      ws.send({ type: 'subscribe', symbol: 'KO' });
      await ws.next(subscribed('KO'));
    }
    slow.socket.pause();
    let seq = await congest('KO', 0);
    const congestedAt = seq;
    for (let i = 0; i < 20; i += 1) await publish(m, 'KO', { type: 'stock_update', data: { symbol: 'KO', seq: ++seq, padding } });
    await publish(m, 'KO', { type: 'indicator_update', data: { symbol: 'KO', seq: ++seq } });
    const last = seq;
    // The fast reader gets every update, the last included.
    await fast.next((frame) => frame.data?.seq === last);
    const fastSeqs = fast.frames.filter((frame) => frame.data?.seq !== undefined).map((frame) => frame.data.seq);
    expect(fastSeqs).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    slow.socket.resume();
    await slow.next((frame) => frame.type === 'indicator_update' && frame.data.seq === last);
    const slowQuotes = slow.frames.filter((frame) => frame.type === 'stock_update' && frame.data.seq !== undefined).map((frame) => frame.data.seq as number);
    // Everything up to the congestion in order, then only the newest quote of what waited.
    expect(slowQuotes.at(-1)).toBe(last - 1);
    expect(slowQuotes.filter((s) => s > congestedAt)).toEqual([last - 1]);
    expect(slowQuotes).toEqual([...slowQuotes].sort((a, b) => a - b));
    expect(m.server.app.realtime.stats().congested).toBe(0);
  });
});

describe('a client that stays stuck', () => {
  const m = market({ env: { WS_SEND_BUFFER_BYTES: String(64 * 1024), WS_STUCK_SECONDS: '1' } });

  it('is closed with 1013', async () => {
    const slow = await client(m.server);
    slow.send({ type: 'subscribe', symbol: 'PEP' });
    await slow.next(subscribed('PEP'));
    slow.socket.pause();
    const padding = 'y'.repeat(16 * 1024);
    let seq = 0;
    await until(async () => {
      for (let i = 0; i < 50; i += 1) await publish(m, 'PEP', { type: 'stock_update', data: { symbol: 'PEP', seq: ++seq, padding } });
      return m.server.app.realtime.stats().congested > 0;
    }, 60_000);
    await until(() => m.server.app.realtime.stats().closing > 0);
    slow.socket.resume();
    expect(await slow.closed).toMatchObject({ code: 1013 });
  });
});

describe('graceful shutdown', () => {
  it('closes every client with 1001 when the server stops', async () => {
    const server = await startServer();
    const anonymous = await connect(server.baseUrl);
    const user = await register(server.call);
    const authenticated = await connect(server.baseUrl, { query: { token: user.token } });
    await authenticated.next('authenticated');
    anonymous.send({ type: 'subscribe', symbol: 'AAPL' });
    await anonymous.next(subscribed('AAPL'));
    await server.close();
    expect(await anonymous.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect((await authenticated.closed).code).toBe(1001);
  });

});
