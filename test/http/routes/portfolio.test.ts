// The portfolio routes over real HTTP: holdings valued at the latest price, the summary, the
// ledger of transactions (and CSV import), the watchlist and fired alerts; every {id} route asked
// by its owner and by another user. Each block has its own server, users and symbols.
import { Decimal } from 'decimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../support/http.ts';
import { market } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';

type User = Awaited<ReturnType<typeof register>>;
const D = (value: number | string) => new Decimal(value);

/** A caller bound to one user. */
function as(m: ReturnType<typeof market>, user: () => User) {
  return (method: string, path: string, body?: unknown) => m.server.call(method, path, { token: user().token, ...(body === undefined ? {} : { body }) });
}

describe(`holdings and summary (${SCALE})`, () => {
  const m = market();
  let ada: User;
  beforeAll(async () => { ada = await register(m.server.call); });
  const call = as(m, () => ada);

  it('adds a holding with the contract\'s fields, valued at the latest price as JSON numbers', async () => {
    const created = await call('POST', '/api/portfolio/holdings/', { symbol: 'aapl', shares: 10, averagePrice: 150.25, notes: 'core', purchaseDate: '2026-03-02T14:30:00.000Z' });
    expect(created.status).toBe(201);
    const h = created.body.data;
    for (const key of ['id', 'symbol', 'stockName', 'currency', 'shares', 'averagePrice', 'purchaseDate', 'notes', 'totalCost', 'currentValue',
      'profitLoss', 'profitLossPercent', 'dayChange', 'dayChangePercent', 'priceAsOf', 'createdAt', 'updatedAt']) expect(h).toHaveProperty(key);
    expect(h).toMatchObject({ symbol: 'AAPL', stockName: 'Apple Inc.', currency: 'USD', shares: 10, averagePrice: 150.25, notes: 'core', purchaseDate: '2026-03-02T14:30:00.000Z' });
    expect(h.totalCost).toBe(D(10).times(150.25).toNumber());
    expect(typeof h.currentPrice).toBe('number');
    expect(h.currentValue).toBe(D(10).times(h.currentPrice).toNumber());
    expect(h.profitLoss).toBeCloseTo(h.currentValue - h.totalCost, 6);
    expect(h.profitLossPercent).toBeCloseTo((h.profitLoss / h.totalCost) * 100, 3);
    expect(Date.parse(h.priceAsOf)).toBeLessThanOrEqual(m.clock.now().getTime());
    expect(h.valueReason).toBeNull();

    const list = await call('GET', '/api/portfolio/holdings');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.data)).toBe(true);
    expect(list.body.data.map((row: { id: string }) => row.id)).toContain(h.id);
    expect(list.body.pagination).toMatchObject({ count: list.body.data.length, page: 1, totalPages: 1, next: null, previous: null });
  });

  it('answers a symbol already held with 409, an unknown one with 400, a malformed one with 400', async () => {
    await call('POST', '/api/portfolio/holdings/', { symbol: 'MSFT', shares: 1, averagePrice: 400 });
    const again = await call('POST', '/api/portfolio/holdings/', { symbol: 'msft', shares: 2, averagePrice: 410 });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('You already hold MSFT');
    const unknown = await call('POST', '/api/portfolio/holdings/', { symbol: 'NOSUCH', shares: 1, averagePrice: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.symbol[0]).toContain('NOSUCH');
    const malformed = await call('POST', '/api/portfolio/holdings/', { symbol: '1; drop', shares: 1, averagePrice: 1 });
    expect(malformed.status).toBe(400);
  });

  it('keeps shares and prices within limits: > 0, at most 10 decimals, sane sizes', async () => {
    for (const [body, field] of [
      [{ symbol: 'NVDA', shares: 0, averagePrice: 1 }, 'shares'],
      [{ symbol: 'NVDA', shares: -1, averagePrice: 1 }, 'shares'],
      [{ symbol: 'NVDA', shares: 1, averagePrice: 0 }, 'averagePrice'],
      [{ symbol: 'NVDA', shares: '0.12345678901', averagePrice: 1 }, 'shares'],
      [{ symbol: 'NVDA', shares: 1e13, averagePrice: 1 }, 'shares'],
      [{ symbol: 'NVDA', shares: 'ten', averagePrice: 1 }, 'shares'],
      [{ symbol: 'NVDA', shares: 1, averagePrice: 1, purchaseDate: '2099-01-01' }, 'purchaseDate'],
      [{ symbol: 'NVDA', shares: 1, averagePrice: 1, purchaseDate: 'yesterday' }, 'purchaseDate'],
    ] as const) {
      const answer = await call('POST', '/api/portfolio/holdings/', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(answer.body.errors).join(), JSON.stringify(body)).toContain(field);
    }
    expect((await call('GET', '/api/portfolio/holdings/')).body.data.some((h: { symbol: string }) => h.symbol === 'NVDA')).toBe(false);
  });

  it('keeps decimals exact: 0.1 shares at 0.2 cost 0.02, and 0.1 + 0.2 shares are 0.3', async () => {
    const created = await call('POST', '/api/portfolio/holdings/', { symbol: 'KO', shares: 0.1, averagePrice: '0.2' });
    expect(created.status).toBe(201);
    expect(created.body.data.totalCost).toBe(0.02);
    const bought = await call('POST', '/api/portfolio/transactions/', { symbol: 'KO', type: 'buy', date: '2026-11-20', shares: 0.2, price: 0.2 });
    expect(bought.status).toBe(201);
    const after = await call('GET', `/api/portfolio/holdings/${created.body.data.id}`);
    expect(after.body.data.shares).toBe(0.3);
    expect(after.body.data.totalCost).toBe(0.06);
    expect(after.body.data.averagePrice).toBe(0.2);
    // Stored as numeric: the database holds exactly 0.3.
    const row = await m.server.app.repositories.portfolio.holding(ada.user.id, created.body.data.id);
    expect(row?.shares).toBe('0.3');
  });

  it('says why a holding has no value when its symbol has no price, never 0', async () => {
    m.fault = 'down';
    try {
      const created = await call('POST', '/api/portfolio/holdings/', { symbol: 'NFLX', shares: 3, averagePrice: 90 });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({ currentValue: null, profitLoss: null, currentPrice: null, priceAsOf: null, totalCost: 270 });
      expect(created.body.data.valueReason).toContain('NFLX');
      const summary = await call('GET', '/api/portfolio/summary');
      expect(summary.body.data.note).toMatch(/price yet/);
      const usd = summary.body.data.currencyBreakdown.find((row: { currency: string }) => row.currency === 'USD');
      expect(usd.pricedHoldings).toBe(usd.holdings - 1);
    } finally {
      m.fault = 'none';
    }
  });

  it('lets PATCH change notes always, and shares or price only while the opening buy is the whole ledger', async () => {
    const created = (await call('POST', '/api/portfolio/holdings/', { symbol: 'PG', shares: 5, averagePrice: 140, purchaseDate: '2026-11-02' })).body.data;
    const patched = await call('PATCH', `/api/portfolio/holdings/${created.id}/`, { shares: 6, averagePrice: 141, notes: 'dividends' });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ shares: 6, averagePrice: 141, totalCost: 846, notes: 'dividends' });
    const opening = (await call('GET', '/api/portfolio/transactions?symbol=PG')).body.data;
    expect(opening).toHaveLength(1);
    expect(opening[0]).toMatchObject({ type: 'buy', source: 'opening', shares: 6, price: 141 });

    expect((await call('POST', '/api/portfolio/transactions/', { symbol: 'PG', type: 'sell', date: '2026-11-20', shares: 1, price: 150 })).status).toBe(201);
    const refused = await call('PATCH', `/api/portfolio/holdings/${created.id}/`, { shares: 10 });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('record a buy, sell or split');
    expect(refused.body.errors.shares).toBeDefined();
    const notes = await call('PATCH', `/api/portfolio/holdings/${created.id}/`, { notes: 'still editable' });
    expect(notes.status).toBe(200);
    expect(notes.body.data).toMatchObject({ notes: 'still editable', shares: 5 });
  });

  it('deletes a holding with its transactions', async () => {
    const created = (await call('POST', '/api/portfolio/holdings/', { symbol: 'JNJ', shares: 2, averagePrice: 200 })).body.data;
    const gone = await call('DELETE', `/api/portfolio/holdings/${created.id}`);
    expect(gone.status).toBe(200);
    expect((await call('GET', `/api/portfolio/holdings/${created.id}`)).status).toBe(404);
    expect((await call('GET', '/api/portfolio/transactions?symbol=JNJ')).body.data).toHaveLength(0);
    expect((await call('DELETE', `/api/portfolio/holdings/${created.id}`)).status).toBe(404);
  });

  it('sums the summary from the holdings, per currency', async () => {
    await call('POST', '/api/portfolio/holdings/', { symbol: 'COST', shares: 1.5, averagePrice: 850 });
    const [summary, list] = await Promise.all([call('GET', '/api/portfolio/summary/'), call('GET', '/api/portfolio/holdings/')]);
    expect(summary.status).toBe(200);
    const data = summary.body.data;
    for (const key of ['totalHoldings', 'totalValue', 'totalCost', 'profitLoss', 'profitLossPercent']) expect(typeof data[key]).toBe('number');
    const holdings = list.body.data as { currency: string; totalCost: number; currentValue: number | null }[];
    expect(data.totalHoldings).toBe(holdings.length);
    const cost = holdings.reduce((sum, h) => sum.plus(h.totalCost), D(0));
    const value = holdings.reduce((sum, h) => (h.currentValue === null ? sum : sum.plus(h.currentValue)), D(0));
    expect(data.totalCost).toBeCloseTo(cost.toNumber(), 4);
    expect(data.totalValue).toBeCloseTo(value.toNumber(), 4);
    expect(data.currencyBreakdown).toEqual([expect.objectContaining({ currency: 'USD', holdings: holdings.length, totalCost: data.totalCost, totalValue: data.totalValue })]);
  });

  it('pages the holdings and hides closed positions unless asked', async () => {
    for (const symbol of ['BAC', 'WFC']) await call('POST', '/api/portfolio/holdings/', { symbol, shares: 1, averagePrice: 50 });
    const created = (await call('POST', '/api/portfolio/holdings/', { symbol: 'XOM', shares: 2, averagePrice: 100, purchaseDate: '2026-11-02' })).body.data;
    await call('POST', '/api/portfolio/transactions/', { symbol: 'XOM', type: 'sell', date: '2026-11-23', shares: 2, price: 110 });
    const open = await call('GET', '/api/portfolio/holdings/');
    expect(open.body.data.some((h: { id: string }) => h.id === created.id)).toBe(false);
    const all = await call('GET', '/api/portfolio/holdings/?include_closed=true');
    expect(all.body.data.find((h: { id: string }) => h.id === created.id)).toMatchObject({ shares: 0, realisedPnl: 20, totalCost: 0 });
    const first = await call('GET', '/api/portfolio/holdings/?page_size=1');
    expect(first.body.data).toHaveLength(1);
    expect(first.body.pagination.count).toBe(open.body.data.length);
    expect(first.body.pagination.next).toContain('page=2');
  });

  it('documents every route in the OpenAPI document', async () => {
    const paths = Object.keys((await m.server.call('GET', '/api/docs/json')).body.paths);
    for (const path of ['/api/portfolio/holdings/', '/api/portfolio/holdings/{id}/', '/api/portfolio/summary/', '/api/portfolio/watchlist/{id}/',
      '/api/portfolio/transactions/', '/api/portfolio/transactions/{id}/', '/api/portfolio/transactions/import/', '/api/portfolio/alerts/', '/api/portfolio/alerts/{id}/',
      '/api/analytics/portfolio/performance/', '/api/analytics/stock/{symbol}/stats/']) expect(paths).toContain(path);
  });

  it('needs credentials on every route', async () => {
    for (const [method, path] of [['GET', '/api/portfolio/holdings'], ['POST', '/api/portfolio/holdings'], ['GET', '/api/portfolio/summary'],
      ['GET', '/api/portfolio/watchlist'], ['GET', '/api/portfolio/transactions'], ['POST', '/api/portfolio/transactions/import'], ['GET', '/api/portfolio/alerts']]) {
      expect((await m.server.call(method as string, path as string, method === 'POST' ? { body: {} } : {})).status, `${method} ${path}`).toBe(401);
    }
  });
});

describe(`transactions and the ledger (${SCALE})`, () => {
  const m = market();
  let ada: User;
  beforeAll(async () => { ada = await register(m.server.call); });
  const call = as(m, () => ada);
  const holdingOf = async (symbol: string) => (await call('GET', '/api/portfolio/holdings/?include_closed=true')).body.data.find((h: { symbol: string }) => h.symbol === symbol);

  it('derives shares, average price, realised P&L and dividends from buys, sells, splits and dividends', async () => {
    const record = (body: Record<string, unknown>) => call('POST', '/api/portfolio/transactions/', { symbol: 'HD', ...body });
    expect((await record({ type: 'buy', date: '2026-01-05', shares: 10, price: 100, fees: 1 })).status).toBe(201);
    // Average cost: (10 × 100 + 1) / 10.
    expect(await holdingOf('HD')).toMatchObject({ shares: 10, averagePrice: 100.1, totalCost: 1001, transactionCount: 1 });
    const sold = await record({ type: 'sell', date: '2026-02-02T15:00:00Z', shares: 4, price: 120, fees: 1 });
    expect(sold.status).toBe(201);
    expect(sold.body.data).toMatchObject({ type: 'sell', tradingDate: '2026-02-02', amount: 480, source: 'manual' });
    // Cost of the 4 sold at the average: 1001 × 4 / 10; realised: 4 × 120 − 1 − that.
    const costSold = D(1001).times(4).div(10);
    const after = await holdingOf('HD');
    expect(after).toMatchObject({ shares: 6, totalCost: D(1001).minus(costSold).toNumber(), realisedPnl: D(480).minus(1).minus(costSold).toNumber() });
    await record({ type: 'split', date: '2026-03-02', shares: 2 });
    const split = await holdingOf('HD');
    expect(split).toMatchObject({ shares: 12, totalCost: after.totalCost, averagePrice: D(after.totalCost).div(12).toNumber() });
    await record({ type: 'dividend', date: '2026-03-10', shares: 12, price: 0.5, fees: 0.9 });
    expect(await holdingOf('HD')).toMatchObject({ shares: 12, dividends: D(12).times(0.5).minus(0.9).toNumber(), transactionCount: 4 });
  });

  it('refuses what the ledger cannot apply, naming the transaction, and keeps the ledger as it was', async () => {
    await call('POST', '/api/portfolio/transactions/', { symbol: 'CVX', type: 'buy', date: '2026-01-05', shares: 5, price: 150 });
    const before = await holdingOf('CVX');
    const oversold = await call('POST', '/api/portfolio/transactions/', { symbol: 'CVX', type: 'sell', date: '2026-01-06', shares: 6, price: 150 });
    expect(oversold.status).toBe(400);
    expect(oversold.body.message).toContain('this transaction');
    expect(oversold.body.message).toContain('only 5 are held');
    expect(await holdingOf('CVX')).toMatchObject({ shares: before.shares, transactionCount: 1 });
    // A sell before the buy it needs is refused too.
    const early = await call('POST', '/api/portfolio/transactions/', { symbol: 'CVX', type: 'sell', date: '2025-12-31', shares: 1, price: 150 });
    expect(early.status).toBe(400);
    // Other refusals: currency, fees on a split, a future date, a missing price.
    expect((await call('POST', '/api/portfolio/transactions/', { symbol: 'CVX', type: 'buy', date: '2026-01-07', shares: 1, price: 1, currency: 'EUR' })).status).toBe(400);
    expect((await call('POST', '/api/portfolio/transactions/', { symbol: 'CVX', type: 'split', date: '2026-01-07', shares: 2, fees: 1 })).status).toBe(400);
    expect((await call('POST', '/api/portfolio/transactions/', { symbol: 'CVX', type: 'buy', date: '2027-06-01', shares: 1, price: 1 })).status).toBe(400);
    expect((await call('POST', '/api/portfolio/transactions/', { symbol: 'CVX', type: 'buy', date: '2026-01-07', shares: 1 })).body.errors.price).toBeDefined();
    expect((await call('GET', '/api/portfolio/transactions?symbol=CVX')).body.pagination.count).toBe(1);
  });

  it('counts a holding made through the seed route as one opening buy at its purchase date', async () => {
    const holding = (await call('POST', '/api/portfolio/holdings/', { symbol: 'MRK', shares: 8, averagePrice: 100, purchaseDate: '2026-02-02' })).body.data;
    const [opening] = (await call('GET', '/api/portfolio/transactions?symbol=MRK')).body.data;
    expect(opening).toMatchObject({ holdingId: holding.id, type: 'buy', source: 'opening', shares: 8, price: 100, date: '2026-02-02T00:00:00.000Z', tradingDate: '2026-02-02' });
    await call('POST', '/api/portfolio/transactions/', { symbol: 'MRK', type: 'buy', date: '2026-03-02', shares: 2, price: 110 });
    expect(await holdingOf('MRK')).toMatchObject({ shares: 10, averagePrice: 102, totalCost: 1020 });
    // Deleting the opening buy would leave the later sell short: refused.
    await call('POST', '/api/portfolio/transactions/', { symbol: 'MRK', type: 'sell', date: '2026-04-01', shares: 9, price: 120 });
    const refused = await call('DELETE', `/api/portfolio/transactions/${opening.id}`);
    expect(refused.status).toBe(400);
    expect((await call('GET', `/api/portfolio/transactions/${opening.id}`)).status).toBe(200);
  });

  it('changes and deletes transactions, re-running the ledger; the last one gone takes the holding', async () => {
    const created = (await call('POST', '/api/portfolio/transactions/', { symbol: 'ABBV', type: 'buy', date: '2026-05-04', shares: 3, price: 200, notes: 'first' })).body.data;
    const patched = await call('PATCH', `/api/portfolio/transactions/${created.id}/`, { shares: 4, price: '199.5' });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ shares: 4, price: 199.5, notes: 'first' });
    expect(await holdingOf('ABBV')).toMatchObject({ shares: 4, totalCost: 798 });
    const gone = await call('DELETE', `/api/portfolio/transactions/${created.id}`);
    expect(gone.body.data).toEqual({ holdingDeleted: true });
    expect(await holdingOf('ABBV')).toBeUndefined();
  });

  it('filters by symbol, type and trading date, newest first, paginated', async () => {
    for (const [date, type] of [['2026-06-01', 'buy'], ['2026-06-15', 'buy'], ['2026-07-01', 'sell'], ['2026-08-03', 'dividend']] as const) {
      expect((await call('POST', '/api/portfolio/transactions/', { symbol: 'ORCL', type, date, shares: 1, price: 100 })).status).toBe(201);
    }
    const all = await call('GET', '/api/portfolio/transactions?symbol=orcl');
    expect(all.body.data.map((t: { tradingDate: string }) => t.tradingDate)).toEqual(['2026-08-03', '2026-07-01', '2026-06-15', '2026-06-01']);
    const june = await call('GET', '/api/portfolio/transactions?symbol=ORCL&from=2026-06-01&to=2026-06-30');
    expect(june.body.data).toHaveLength(2);
    const buys = await call('GET', '/api/portfolio/transactions?symbol=ORCL&type=buy&page_size=1');
    expect(buys.body.data).toHaveLength(1);
    expect(buys.body.pagination).toMatchObject({ count: 2, totalPages: 2 });
    expect((await call('GET', '/api/portfolio/transactions?from=2026-13-01')).status).toBe(400);
    expect((await call('GET', '/api/portfolio/transactions?from=2026-07-01&to=2026-06-01')).status).toBe(400);
  });
});

describe(`CSV import (${SCALE})`, () => {
  const m = market();
  let ada: User;
  beforeAll(async () => { ada = await register(m.server.call); });
  const csvCall = (csv: string, query = '') => m.server.call('POST', `/api/portfolio/transactions/import${query}`, { raw: csv, token: ada.token, headers: { 'content-type': 'text/csv' } });
  const count = async () => (await m.server.call('GET', '/api/portfolio/transactions', { token: ada.token })).body.pagination.count as number;

  const generic = [
    'date,symbol,type,shares,price,fees,currency',
    '2026-01-05,AMD,buy,10,100,1,USD',
    '2026-01-06,AMD,buy,10,100,1,USD',
    '2026-01-06,AMD,buy,10,100,1,USD',
    '2026-02-02,AMD,sell,5,120,0,',
    '2026-02-03,CRM,buy,2,250,,USD',
    '2026-02-04,,deposit,,,,',
  ].join('\n');

  it('imports a generic file, and a second time skips every row as a duplicate', async () => {
    const before = await count();
    const first = await csvCall(generic);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ imported: 5, duplicates: 0, symbols: ['AMD', 'CRM'], holdingsCreated: ['AMD', 'CRM'], dryRun: false });
    // Two identical fills on one day are two rows, not a duplicate.
    const amd = (await m.server.call('GET', '/api/portfolio/transactions?symbol=AMD', { token: ada.token })).body.data;
    expect(amd).toHaveLength(4);
    expect(amd.every((t: { source: string }) => t.source === 'import')).toBe(true);
    const again = await csvCall(generic);
    expect(again.body.data).toMatchObject({ imported: 0, duplicates: 5, duplicateLines: [2, 3, 4, 5, 6] });
    expect(await count()).toBe(before + 5);
    const holdings = (await m.server.call('GET', '/api/portfolio/holdings', { token: ada.token })).body.data;
    expect(holdings.find((h: { symbol: string }) => h.symbol === 'AMD')).toMatchObject({ shares: 25, totalCost: D(3003).minus(D(3003).times(5).div(30).toDecimalPlaces(10)).toNumber() });
  });

  it('refuses the whole file when one row is bad, listing each bad line', async () => {
    const before = await count();
    const bad = [
      'Trade Date,Ticker,Action,Quantity,Price,Commission',
      '03/02/2026,KO,Bought,5,60,0',
      '03/03/2026,KO,Bought,five,60,0',
      '03/04/2026,NOSUCH,Bought,1,10,0',
      '13/45/2026,KO,Bought,1,60,0',
      '03/05/2026,KO,Teleported,1,60,0',
    ].join('\n');
    const answer = await csvCall(bad);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('nothing was imported');
    expect(Object.keys(answer.body.errors).sort()).toEqual(['line 3', 'line 4', 'line 5', 'line 6']);
    expect(answer.body.errors['line 4'][0]).toContain('NOSUCH');
    expect(await count()).toBe(before);
  });

  it('refuses the whole file when the ledger cannot apply a row, naming its line', async () => {
    const before = await count();
    const answer = await csvCall(['date,symbol,type,shares,price', '2026-03-02,PEP,buy,1,100', '2026-03-03,PEP,sell,3,100'].join('\n'));
    expect(answer.status).toBe(400);
    expect(answer.body.errors['line 3'][0]).toContain('only 1 are held');
    expect(await count()).toBe(before);
    expect((await m.server.call('GET', '/api/portfolio/holdings', { token: ada.token })).body.data.some((h: { symbol: string }) => h.symbol === 'PEP')).toBe(false);
  });

  it('maps a broker export, takes a JSON body too, and writes nothing on a dry run', async () => {
    const broker = [
      'Account 123-456 transactions',
      'Run Date,Action,Symbol,Quantity,Price ($),Commission ($),Amount ($)',
      '04/01/2026,YOU BOUGHT APPLE INC (AAPL),AAPL,3,200.5,0,-601.50',
      '04/10/2026,DIVIDEND RECEIVED,AAPL,,,,1.20',
      '04/11/2026,Electronic Funds Transfer,,,,,1000',
    ].join('\n');
    const dry = await m.server.call('POST', '/api/portfolio/transactions/import?dryRun=true', { token: ada.token, body: { csv: broker } });
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ dryRun: true, imported: 2, symbols: ['AAPL'] });
    expect(dry.body.data.ignored).toEqual([expect.objectContaining({ line: 5 })]);
    expect((await m.server.call('GET', '/api/portfolio/transactions?symbol=AAPL', { token: ada.token })).body.data).toHaveLength(0);
    const real = await m.server.call('POST', '/api/portfolio/transactions/import', { token: ada.token, body: { csv: broker } });
    expect(real.body.data.imported).toBe(2);
    const aapl = (await m.server.call('GET', '/api/portfolio/holdings', { token: ada.token })).body.data.find((h: { symbol: string }) => h.symbol === 'AAPL');
    expect(aapl).toMatchObject({ shares: 3, averagePrice: 200.5, dividends: 1.2 });
  });

  it('says what is wrong with a file that is no transactions CSV', async () => {
    const answer = await csvCall('hello,world\n1,2\n');
    expect(answer.status).toBe(400);
    expect(Object.values(answer.body.errors).flat().join()).toContain('header');
  });
});

describe(`watchlist and alerts (${SCALE})`, () => {
  const m = market();
  let ada: User;
  beforeAll(async () => { ada = await register(m.server.call); });
  const call = as(m, () => ada);

  it('watches a symbol with alert lines and the latest price, in the contract\'s shape', async () => {
    const created = await call('POST', '/api/portfolio/watchlist/', { symbol: 'tsla', alertPriceAbove: 500, alertPriceBelow: '300.5', alertChangePercent: 5, notes: 'ev' });
    expect(created.status).toBe(201);
    const entry = created.body.data;
    for (const key of ['id', 'symbol', 'stockName', 'currency', 'currentPrice', 'alertPriceAbove', 'alertPriceBelow', 'notes', 'addedAt']) expect(entry).toHaveProperty(key);
    expect(entry).toMatchObject({ symbol: 'TSLA', alertPriceAbove: 500, alertPriceBelow: 300.5, alertChangePercent: 5, notes: 'ev', currency: 'USD' });
    expect(typeof entry.currentPrice).toBe('number');
    const list = await call('GET', '/api/portfolio/watchlist');
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([entry.id]);
    expect((await call('POST', '/api/portfolio/watchlist/', { symbol: 'TSLA' })).status).toBe(409);
    expect((await call('POST', '/api/portfolio/watchlist/', { symbol: 'NOSUCH' })).status).toBe(400);
    expect((await call('POST', '/api/portfolio/watchlist/', { symbol: 'META', alertPriceAbove: 100, alertPriceBelow: 200 })).status).toBe(400);
    expect((await call('POST', '/api/portfolio/watchlist/', { symbol: 'META', alertPriceAbove: -1 })).status).toBe(400);
  });

  it('changes and clears alert lines, and removes an entry', async () => {
    const entry = (await call('POST', '/api/portfolio/watchlist/', { symbol: 'WMT', alertPriceAbove: 120 })).body.data;
    const patched = await call('PATCH', `/api/portfolio/watchlist/${entry.id}/`, { alertPriceAbove: null, alertPriceBelow: 90, notes: 'cheap' });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ alertPriceAbove: null, alertPriceBelow: 90, notes: 'cheap' });
    // The remaining line still may not cross a new one.
    expect((await call('PATCH', `/api/portfolio/watchlist/${entry.id}/`, { alertPriceAbove: 80 })).status).toBe(400);
    expect((await call('DELETE', `/api/portfolio/watchlist/${entry.id}/`)).status).toBe(200);
    expect((await call('GET', `/api/portfolio/watchlist/${entry.id}/`)).status).toBe(404);
  });

  it('lists fired alerts newest first, filters read and unread, and marks them', async () => {
    const { alerts } = m.server.app.services;
    // A user of its own, whose entry has no lines: only the alerts recorded here are theirs.
    const eve = await register(m.server.call);
    const call = as(m, () => eve);
    const entry = (await call('POST', '/api/portfolio/watchlist/', { symbol: 'LLY' })).body.data;
    const fire = (minutes: number, kind: 'above' | 'below', key: string) => alerts.record({
      userId: eve.user.id, watchlistId: entry.id, symbol: 'LLY', kind, threshold: '1000', price: String(1000 + minutes),
      firedAt: new Date(m.clock.now().getTime() + minutes * 60_000), dedupeKey: key,
    });
    await fire(1, 'above', 'k1');
    await fire(3, 'below', 'k3');
    await fire(2, 'above', 'k2');
    // One crossing is recorded once, however many times it is reported.
    expect(await fire(2, 'above', 'k2')).toBeNull();
    const list = await call('GET', '/api/portfolio/alerts/');
    expect(list.status).toBe(200);
    expect(list.body.data.map((a: { price: number }) => a.price)).toEqual([1003, 1002, 1001]);
    expect(list.body.data[0]).toMatchObject({ symbol: 'LLY', kind: 'below', threshold: 1000, watchlistId: entry.id, read: false, readAt: null });
    const marked = await call('PATCH', `/api/portfolio/alerts/${list.body.data[1].id}/`, {});
    expect(marked.status).toBe(200);
    expect(marked.body.data.read).toBe(true);
    expect((await call('GET', '/api/portfolio/alerts/?read=false')).body.data.map((a: { price: number }) => a.price)).toEqual([1003, 1001]);
    expect((await call('GET', '/api/portfolio/alerts/?read=true')).body.data.map((a: { price: number }) => a.price)).toEqual([1002]);
    const unread = await call('PATCH', `/api/portfolio/alerts/${list.body.data[1].id}/`, { read: false });
    expect(unread.body.data).toMatchObject({ read: false, readAt: null });
    // No body at all marks it read, as an empty one does.
    const bare = await m.server.call('PATCH', `/api/portfolio/alerts/${list.body.data[2].id}/`, { token: eve.token });
    expect(bare.status).toBe(200);
    expect(bare.body.data.read).toBe(true);
    const page = await call('GET', '/api/portfolio/alerts/?page_size=2');
    expect(page.body.pagination).toMatchObject({ count: 3, totalPages: 2 });
  });
});

describe(`another user's rows answer 404, exactly as missing ones (${SCALE})`, () => {
  const m = market();
  let ada: User;
  let bob: User;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    ada = await register(m.server.call);
    bob = await register(m.server.call);
    const asAda = (method: string, path: string, body?: unknown) => m.server.call(method, path, { token: ada.token, body });
    ids.holdings = (await asAda('POST', '/api/portfolio/holdings/', { symbol: 'V', shares: 1, averagePrice: 300 })).body.data.id;
    const watchlistId: string = (await asAda('POST', '/api/portfolio/watchlist/', { symbol: 'MA' })).body.data.id;
    ids.watchlist = watchlistId;
    ids.transactions = (await asAda('POST', '/api/portfolio/transactions/', { symbol: 'V', type: 'buy', date: '2026-10-01', shares: 1, price: 310 })).body.data.id;
    const alert = await m.server.app.services.alerts.record({
      userId: ada.user.id, watchlistId, symbol: 'MA', kind: 'above', threshold: '600', price: '601', firedAt: m.clock.now(),
    });
    ids.alerts = alert!.id;
  });

  const routes = [
    ['holdings', ['GET', 'PATCH', 'DELETE'], { notes: 'mine now' }],
    ['watchlist', ['GET', 'PATCH', 'DELETE'], { notes: 'mine now' }],
    ['transactions', ['GET', 'PATCH', 'DELETE'], { notes: 'mine now' }],
    ['alerts', ['PATCH'], { read: true }],
  ] as const;
  const missing = '00000000-0000-4000-8000-000000000000';

  for (const [area, methods, body] of routes) {
    for (const method of methods) {
      it(`${method} /api/portfolio/${area}/{id}`, async () => {
        const path = (id: string) => `/api/portfolio/${area}/${id}/`;
        const stranger = await m.server.call(method, path(ids[area]!), { token: bob.token, ...(method === 'PATCH' ? { body } : {}) });
        const absent = await m.server.call(method, path(missing), { token: bob.token, ...(method === 'PATCH' ? { body } : {}) });
        expect(stranger.status).toBe(404);
        expect(stranger.body).toEqual(absent.body);
        // A malformed id is the same 404.
        expect((await m.server.call(method, path('123'), { token: bob.token, ...(method === 'PATCH' ? { body } : {}) })).body).toEqual(absent.body);
        // The owner still has it, untouched.
        const own = area === 'alerts'
          ? (await m.server.call('GET', '/api/portfolio/alerts/', { token: ada.token })).body.data[0]
          : (await m.server.call('GET', path(ids[area]!), { token: ada.token })).body.data;
        expect(own.id).toBe(ids[area]);
        if (area !== 'alerts') expect(own.notes).not.toBe('mine now');
        else expect(own.read).toBe(false);
      });
    }
  }

  it('lists only the caller\'s own rows', async () => {
    for (const area of ['holdings', 'watchlist', 'transactions', 'alerts']) {
      const answer = await m.server.call('GET', `/api/portfolio/${area}/`, { token: bob.token });
      expect(answer.body.data, area).toEqual([]);
    }
    expect((await m.server.call('GET', '/api/portfolio/summary/', { token: bob.token })).body.data).toMatchObject({ totalHoldings: 0, totalValue: 0 });
  });
});

describe(`limits per user (${SCALE})`, () => {
  const m = market();
  let ada: User;
  beforeAll(async () => { ada = await register(m.server.call); });

  it('stops at 1,000 holdings and 1,000 watchlist entries with a clear 400', async () => {
    const { stocks, portfolio, watchlists } = m.server.app.repositories;
    const symbols = Array.from({ length: 1_000 }, (_, i) => `LIM${i}`);
    await stocks.upsertListed(symbols.map((symbol) => ({ symbol, name: symbol })));
    await portfolio.withUserLock(ada.user.id, async (tx) => {
      for (const symbol of symbols) await tx.insertHolding({ userId: ada.user.id, symbol, currency: 'USD', purchaseDate: null, notes: null });
    });
    await watchlists.withUserLock(ada.user.id, async (tx) => {
      for (const symbol of symbols) await tx.insert(ada.user.id, symbol, {});
    });
    const holding = await m.server.call('POST', '/api/portfolio/holdings/', { token: ada.token, body: { symbol: 'AAPL', shares: 1, averagePrice: 1 } });
    expect(holding.status).toBe(400);
    expect(holding.body.message).toContain('1000 holdings');
    const viaTransaction = await m.server.call('POST', '/api/portfolio/transactions/', { token: ada.token, body: { symbol: 'AAPL', type: 'buy', date: '2026-01-05', shares: 1, price: 1 } });
    expect(viaTransaction.status).toBe(400);
    const watch = await m.server.call('POST', '/api/portfolio/watchlist/', { token: ada.token, body: { symbol: 'AAPL' } });
    expect(watch.status).toBe(400);
    expect(watch.body.message).toContain('1000 watchlist entries');
  });
});
