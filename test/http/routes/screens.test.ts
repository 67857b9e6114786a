// Custom screens over HTTP on a market made by hand, and saved screens with two users.
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../support/http.ts';
import { market } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';
import { crafted, craftMarket, CURRENT, lastChangePercent } from './crafted-market.ts';

interface Row { symbol: string; price: number; changePercent: number; volume: number; avgVolume20: number | null; high52w: number | null; rsi: number | null; sma200: number | null }

const query = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;
const symbols = (rows: Row[]) => rows.map((row) => row.symbol);

describe(`custom screens (${SCALE})`, () => {
  const m = market();
  beforeAll(async () => {
    await m.server.app.startup;
    await craftMarket(m.server.app);
  });
  const screen = async (params: Record<string, string>) => {
    const answer = await m.server.call('GET', `/api/market/screen${query(params)}`);
    expect(answer.status, answer.text).toBe(200);
    return answer.body.data as { where: string; sort: string | null; limit: number; totalScreened: number; totalMatched: number; results: Row[] };
  };

  it('matches the symbols that meet every condition, over every active symbol with prices', async () => {
    const big = await screen({ where: 'changePercent > 5 OR changePercent < -5' });
    expect(new Set(symbols(big.results))).toEqual(new Set(CURRENT.filter((c) => Math.abs(lastChangePercent(c.bars)) > 5).map((c) => c.symbol)));
    expect(big.totalMatched).toBe(big.results.length);
    // Every active symbol with a recent bar: not the one whose bars stopped a month ago.
    expect(big.totalScreened).toBe(CURRENT.length);
    expect(big.where).toBe('changePercent > 5 or changePercent < -5');
    const spikes = await screen({ where: 'volume > 2 * avgVolume20' });
    expect(symbols(spikes.results)).toEqual(['SPIK']);
    const row = spikes.results[0]!;
    const bars = crafted('SPIK').bars;
    expect(row.avgVolume20).toBeCloseTo(bars.slice(-21, -1).reduce((sum, bar) => sum + bar.volume, 0) / 20, 2);
    // A steady rise: RSI at 100 and the close far above its 200-session average.
    const strong = await screen({ where: 'rsi > 70 and close > sma200' });
    expect(symbols(strong.results)).toContain('BULL');
    expect(symbols(strong.results)).not.toContain('BEAR');
  });

  it('reads the 52-week range when a screen names it', async () => {
    const highs = await screen({ where: 'close >= 0.99 * high52w' });
    const yearHigh = (symbol: string) => {
      const { bars } = crafted(symbol);
      const since = bars.at(-1)!.timestamp.getTime() - 365 * 86_400_000;
      return Math.max(...bars.filter((bar) => bar.timestamp.getTime() >= since).map((bar) => bar.high));
    };
    const nearHighs = CURRENT.filter((c) => c.bars.at(-1)!.close >= 0.99 * yearHigh(c.symbol)).map((c) => c.symbol);
    expect(nearHighs).toContain('BULL');
    expect(new Set(symbols(highs.results))).toEqual(new Set(nearHighs));
    for (const row of highs.results) expect(row.high52w).toBe(yearHigh(row.symbol));
  });

  it('sorts and limits the matches', async () => {
    const all = await screen({ where: 'price > 0', sort: '-changePercent' });
    const changes = all.results.map((row) => row.changePercent);
    expect(changes).toEqual([...changes].sort((a, b) => b - a));
    expect(all.sort).toBe('-changePercent');
    const cheapest = await screen({ where: 'price > 0', sort: 'price', limit: '2' });
    expect(cheapest.results).toHaveLength(2);
    expect(cheapest.totalMatched).toBe(all.totalMatched);
    const prices = CURRENT.map((c) => c.bars.at(-1)!.close).sort((a, b) => a - b);
    expect(cheapest.results.map((row) => row.price)).toEqual(prices.slice(0, 2));
  });

  it('runs a screen given in a body too', async () => {
    const answer = await m.server.call('POST', '/api/market/screen', { body: { where: 'changePercent > 5 and changePercent < 10', sort: '-volume', limit: 5 } });
    expect(answer.status).toBe(200);
    expect(symbols(answer.body.data.results)).toEqual(['JUMP']);
  });

  it('answers a malformed screen with a 400 that points at the position', async () => {
    const cut = await m.server.call('GET', `/api/market/screen${query({ where: 'rsi < 30 and' })}`);
    expect(cut.status).toBe(400);
    expect(cut.body.message).toContain(`position ${'rsi < 30 and'.length}`);
    const typo = await m.server.call('GET', `/api/market/screen${query({ where: 'rsj < 30' })}`);
    expect(typo.status).toBe(400);
    expect(typo.body.message).toContain('position 0');
    expect(typo.body.message).toContain('rsi');
    // The second line under the field is the caret under the offending token.
    expect(typo.body.errors.where[1]).toBe('rsj < 30\n^^^');
    const sort = await m.server.call('GET', `/api/market/screen${query({ where: 'rsi < 30', sort: '-bogus' })}`);
    expect(sort.status).toBe(400);
    expect(sort.body.errors.sort).toBeDefined();
    const missing = await m.server.call('GET', '/api/market/screen');
    expect(missing.status).toBe(400);
    expect(missing.body.errors.where).toBeDefined();
    expect((await m.server.call('GET', `/api/market/screen${query({ where: 'rsi < 30', limit: '0' })}`)).status).toBe(400);
  });

  it('refuses a 10 KB screen with a 400', async () => {
    const long = 'rsi < 30 or '.repeat(900) + 'rsi < 30';
    expect(long.length).toBeGreaterThan(10_000);
    const answer = await m.server.call('GET', `/api/market/screen${query({ where: long })}`);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('limit');
    const posted = await m.server.call('POST', '/api/market/screen', { body: { where: long } });
    expect(posted.status).toBe(400);
  });
});

describe(`saved screens (${SCALE})`, () => {
  const m = market();
  beforeAll(async () => {
    await m.server.app.startup;
    await craftMarket(m.server.app);
  });

  it('lets a user create, read, change, run and delete screens, and nobody else see them', async () => {
    const ada = await register(m.server.call);
    const bob = await register(m.server.call);
    const created = await m.server.call('POST', '/api/market/screens/', { token: ada.token, body: { name: 'Big movers', where: 'changePercent > 5 and rsi > 0', sort: '-changePercent', limit: 10, extra: 'ignored' } });
    expect(created.status).toBe(201);
    const saved = created.body.data;
    expect(saved).toMatchObject({ name: 'Big movers', where: 'changePercent > 5 and rsi > 0', sort: '-changePercent', limit: 10 });
    expect(saved.extra).toBeUndefined();

    const list = await m.server.call('GET', '/api/market/screens', { token: ada.token });
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([saved.id]);
    expect((await m.server.call('GET', '/api/market/screens', { token: bob.token })).body.data).toEqual([]);

    const run = await m.server.call('GET', `/api/market/screens/${saved.id}/run`, { token: ada.token });
    expect(run.status).toBe(200);
    expect(symbols(run.body.data.results)).toEqual(['JUMP']);
    expect(run.body.data.screen.id).toBe(saved.id);
    const byName = await m.server.call('GET', `/api/market/screen${query({ name: 'big movers' })}`, { apiKey: ada.apiKey });
    expect(byName.status).toBe(200);
    expect(symbols(byName.body.data.results)).toEqual(['JUMP']);

    // Another user's screen is answered as a missing one, whatever they try.
    for (const [method, path] of [['GET', ''], ['GET', 'run/'], ['PATCH', ''], ['DELETE', '']] as const) {
      const answer = await m.server.call(method, `/api/market/screens/${saved.id}/${path}`, { token: bob.token, body: method === 'PATCH' ? { name: 'mine now' } : undefined });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.message).toBe('Saved screen not found.');
    }
    expect((await m.server.call('GET', `/api/market/screen${query({ name: 'Big movers' })}`, { token: bob.token })).status).toBe(404);

    const changed = await m.server.call('PATCH', `/api/market/screens/${saved.id}`, { token: ada.token, body: { where: 'changePercent < -5 and rsi > 0', sort: null } });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({ name: 'Big movers', where: 'changePercent < -5 and rsi > 0', sort: null, limit: 10 });
    expect(symbols((await m.server.call('GET', `/api/market/screens/${saved.id}/run`, { token: ada.token })).body.data.results)).toEqual(['DROP']);

    expect((await m.server.call('DELETE', `/api/market/screens/${saved.id}`, { token: ada.token })).status).toBe(200);
    expect((await m.server.call('GET', `/api/market/screens/${saved.id}`, { token: ada.token })).status).toBe(404);
  });

  it('refuses a malformed screen, a second screen of the same name, and callers without credentials', async () => {
    const ada = await register(m.server.call);
    const bad = await m.server.call('POST', '/api/market/screens', { token: ada.token, body: { name: 'Broken', where: 'rsi < < 30' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('position 6');
    const first = await m.server.call('POST', '/api/market/screens', { token: ada.token, body: { name: 'Oversold', where: 'rsi < 30' } });
    expect(first.status).toBe(201);
    const twin = await m.server.call('POST', '/api/market/screens', { token: ada.token, body: { name: 'oversold', where: 'rsi < 25' } });
    expect(twin.status).toBe(409);
    expect(twin.body.errors.name).toBeDefined();
    const renamedBad = await m.server.call('PATCH', `/api/market/screens/${first.body.data.id}`, { token: ada.token, body: { sort: '-nothing' } });
    expect(renamedBad.status).toBe(400);
    expect((await m.server.call('GET', '/api/market/screens')).status).toBe(401);
    expect((await m.server.call('POST', '/api/market/screens', { body: { name: 'x', where: 'rsi < 30' } })).status).toBe(401);
    expect((await m.server.call('GET', `/api/market/screen${query({ name: 'Oversold' })}`)).status).toBe(401);
    expect((await m.server.call('GET', '/api/market/screens/not-a-uuid', { token: ada.token })).status).toBe(400);
  });
});
