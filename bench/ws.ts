// WebSocket fan-out: N clients (default 10,000, in a process of their own) subscribed across 100
// symbols, every symbol updated once a second (spread evenly over the second). Delivered messages/s,
// p50/p99 latency from publish to receipt, server RSS: StockMind's hub side by side with a bare
// `ws` server broadcasting the same messages, in the same run; then the same through Redis with two
// API instances (against two bare `ws` servers fed by the same Redis channels).
//   npx tsx bench/ws.ts [--clients 10000] [--symbols 100] [--seconds 15] [--rounds 2] [--redis redis://127.0.0.1:6379/0]
// Each side runs `rounds` times, alternating with the other, and its round with the lowest p99 is shown.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { WebSocket, WebSocketServer } from 'ws';

const SELF = new URL(import.meta.url).pathname;
const role = process.argv[2];

// ---------------------------------------------------------------- shared pieces

/** What every update looks like: a quote as the hub sends it, stamped with when it was published. */
function update(symbol: string, n: number) {
  return {
    type: 'stock_update',
    data: {
      symbol, price: 100 + (n % 50) / 10, change: 0.42, changePercent: 0.41, open: 100, high: 106, low: 99, previousClose: 100,
      volume: 1_000_000 + n, currency: 'USD', source: 'simulated', timestamp: new Date().toISOString(), publishedAt: Date.now(),
    },
  };
}

const symbolsOf = (count: number) => Array.from({ length: count }, (_, i) => `S${String(i).padStart(3, '0')}`);

/** Calls `publish(symbol)` for every symbol once a second, spread evenly, until stopped. */
function everySecond(symbols: string[], publish: (symbol: string, n: number) => void): () => void {
  let n = 0;
  const step = 1000 / symbols.length;
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout>;
  const tick = () => {
    const due = Math.floor((performance.now() - started) / step);
    while (n <= due) {
      publish(symbols[n % symbols.length]!, n);
      n += 1;
    }
    timer = setTimeout(tick, Math.max(0, started + (n * step) - performance.now()));
  };
  tick();
  return () => clearTimeout(timer);
}

function send(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function commands(handlers: Record<string, () => Promise<void> | void>): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) await handlers[line.trim()]?.();
}

// ---------------------------------------------------------------- server roles

/** A bare `ws` server: a subscribe adds the socket to the symbol's set; an update goes to the set. */
function bareServer(port: number): { broadcast(symbol: string, text: string): void } {
  const groups = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  wss.on('connection', (socket) => {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { type: string; symbol: string };
      if (message.type !== 'subscribe') return;
      let group = groups.get(message.symbol);
      if (!group) groups.set(message.symbol, (group = new Set()));
      group.add(socket);
      socket.on('close', () => group.delete(socket));
      socket.send(JSON.stringify({ type: 'subscribed', symbol: message.symbol, message: `Subscribed to ${message.symbol}` }));
    });
  });
  return {
    broadcast(symbol, text) {
      for (const socket of groups.get(symbol) ?? []) socket.send(text);
    },
  };
}

async function serverRole(kind: 'stockmind' | 'bare', port: number, symbolCount: number, redisUrl: string | null, prefix: string): Promise<void> {
  const symbols = symbolsOf(symbolCount);
  let publish: ((symbol: string, n: number) => void) | null = null;
  if (kind === 'bare') {
    const server = bareServer(port);
    if (redisUrl) {
      const subscriber = new Redis(redisUrl);
      await subscriber.psubscribe(`${prefix}stock_*`);
      subscriber.on('pmessage', (_pattern, channel: string, payload: string) => server.broadcast(channel.slice(prefix.length + 6), payload));
    } else {
      publish = (symbol, n) => server.broadcast(symbol, JSON.stringify(update(symbol, n)));
    }
  } else {
    const { loadConfig } = await import('../src/config.ts');
    const { buildApp } = await import('../src/app.ts');
    const { createSimulatedProvider } = await import('../src/providers/market/simulated.ts');
    const { stockChannel } = await import('../src/services/market/quote-ingest.ts');
    const config = loadConfig({
      STOCKMIND_DATA_DIR: 'memory://', LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(48).toString('base64url'),
      MARKET_DATA_PROVIDER: 'simulated', WS_CONNECTIONS_PER_IP: '100000', WS_MESSAGE_BURST: '1000',
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, PRICE_STREAM: 'off' } : {}),
    });
    // The bench's symbols are priced by the simulator like any ticker it does not list.
    const simulated = createSimulatedProvider({ seed: 1 });
    const provider = { ...simulated, profile: async (symbol: string) => ({ symbol, name: symbol, sector: null, industry: null, marketCap: null, exchange: 'SIM', currency: 'USD' }) };
    const app = await buildApp(config, { provider: { provider, reason: 'bench' } });
    await app.http.listen({ port, host: '127.0.0.1' });
    if (!redisUrl) publish = (symbol, n) => void app.infra.bus.publish(stockChannel(symbol), update(symbol, n));
  }
  let stop = () => {};
  send({ ready: true });
  await commands({
    go: () => { if (publish) stop = everySecond(symbols, publish); },
    stop: () => {
      stop();
      send({ rss: process.memoryUsage().rss });
    },
    exit: () => process.exit(0),
  });
}

// ---------------------------------------------------------------- clients role

async function clientsRole(urls: string[], count: number, symbolCount: number): Promise<void> {
  const symbols = symbolsOf(symbolCount);
  const latencies: number[] = [];
  let received = 0;
  let measuring = false;
  const sockets: WebSocket[] = [];
  const connectOne = (i: number) => new Promise<void>((resolve, reject) => {
    const socket = new WebSocket(`${urls[i % urls.length]}/ws/market/`);
    sockets.push(socket);
    const symbol = symbols[i % symbols.length]!;
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'subscribe', symbol })));
    socket.on('message', (raw) => {
      const text = raw.toString();
      if (text.startsWith('{"type":"subscribed"')) return resolve();
      if (!measuring) return;
      const at = text.lastIndexOf('"publishedAt":');
      if (at < 0) return;
      received += 1;
      latencies.push(Date.now() - Number.parseInt(text.slice(at + 14), 10));
    });
  });
  for (let i = 0; i < count; i += 250) await Promise.all(Array.from({ length: Math.min(250, count - i) }, (_, k) => connectOne(i + k)));
  send({ connected: sockets.length });
  let startedAt = 0;
  await commands({
    measure: () => {
      measuring = true;
      startedAt = performance.now();
    },
    report: () => {
      const seconds = (performance.now() - startedAt) / 1000;
      measuring = false;
      latencies.sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
      send({ perSecond: received / seconds, p50: at(0.5), p99: at(0.99), received });
      for (const socket of sockets) socket.terminate();
    },
    exit: () => process.exit(0),
  });
}

// ---------------------------------------------------------------- orchestration

interface Child {
  process: ChildProcess;
  next(): Promise<Record<string, number | boolean>>;
  tell(command: string): void;
}

function child(args: string[]): Child {
  // BENCH_CPU_PROF=dir writes a CPU profile of each server process there (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF && args[0] === 'server' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc = spawn(process.execPath, [...profile, '--import', 'tsx', SELF, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  return {
    process: proc,
    async next() {
      for (;;) {
        const { value, done } = await lines.next();
        if (done) throw new Error(`${args[0]} exited`);
        if (value.startsWith('{')) return JSON.parse(value) as Record<string, number | boolean>;
      }
    },
    tell: (command) => { proc.stdin!.write(`${command}\n`); },
  };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

interface Result { perSecond: number; p50: number; p99: number; rssMb: number }

async function measure(kind: 'stockmind' | 'bare', instances: number, options: { clients: number; symbols: number; seconds: number; redis: string | null }): Promise<Result> {
  const prefix = `stockmind-bench:${randomUUID()}:`;
  const ports = await Promise.all(Array.from({ length: instances }, freePort));
  const servers = ports.map((port) => child(['server', kind, String(port), String(options.symbols), options.redis ?? '', prefix]));
  for (const server of servers) await server.next();
  const clients = child(['clients', ports.map((port) => `ws://127.0.0.1:${port}`).join(','), String(options.clients), String(options.symbols)]);
  await clients.next();
  console.error(`${kind} × ${instances}: ${options.clients} clients subscribed; measuring`);
  let stopPublisher = () => {};
  let publisher: Redis | null = null;
  if (options.redis) {
    publisher = new Redis(options.redis);
    const redis = publisher;
    stopPublisher = everySecond(symbolsOf(options.symbols), (symbol, n) => void redis.publish(`${prefix}stock_${symbol}`, JSON.stringify(update(symbol, n))));
  } else {
    servers[0]!.tell('go');
  }
  // A warm-up second, then the measured window.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  clients.tell('measure');
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  clients.tell('report');
  const report = await clients.next();
  stopPublisher();
  publisher?.disconnect();
  let rss = 0;
  for (const server of servers) {
    server.tell('stop');
    rss += Number((await server.next()).rss);
    server.tell('exit');
  }
  clients.tell('exit');
  await Promise.all([...servers.map((s) => once(s.process, 'exit')), once(clients.process, 'exit')]);
  return { perSecond: Number(report.perSecond), p50: Number(report.p50), p99: Number(report.p99), rssMb: rss / 2 ** 20 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      clients: { type: 'string', default: '10000' }, symbols: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '15' }, rounds: { type: 'string', default: '2' }, redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0' },
    },
  });
  const options = { clients: Number(values.clients), symbols: Number(values.symbols), seconds: Number(values.seconds) };
  const rows: string[] = [];
  const row = (setup: string, hub: Result, bare: Result) => rows.push(
    `| ${setup} | ${Math.round(hub.perSecond)} | ${hub.p50} | ${hub.p99} | ${Math.round(hub.rssMb)} | ${Math.round(bare.perSecond)} | ${bare.p50} | ${bare.p99} | ${Math.round(bare.rssMb)} | **${(hub.perSecond / bare.perSecond).toFixed(2)}** |`,
  );
  const expected = options.clients;
  console.error(`${options.clients} clients across ${options.symbols} symbols, each symbol updated once a second (${expected} messages/s expected), ${options.seconds} s measured`);
  // The machine is shared: each side is measured `rounds` times, alternating, and its best round kept.
  const best = async (instances: number, redis: string | null): Promise<[Result, Result]> => {
    let hub: Result | null = null;
    let bare: Result | null = null;
    for (let round = 0; round < Number(values.rounds); round += 1) {
      const h = await measure('stockmind', instances, { ...options, redis });
      const b = await measure('bare', instances, { ...options, redis });
      if (!hub || h.p99 < hub.p99) hub = h;
      if (!bare || b.p99 < bare.p99) bare = b;
    }
    return [hub!, bare!];
  };
  const [hub, bare] = await best(1, null);
  row('one process, in-process bus', hub, bare);
  let redisOk = true;
  try {
    const probe = new Redis(values.redis, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    await probe.connect();
    probe.disconnect();
  } catch {
    redisOk = false;
    console.error(`Redis at ${values.redis} not reachable: the Redis rows are skipped`);
  }
  if (redisOk) {
    const [hubRedis, bareRedis] = await best(2, values.redis);
    row('two instances, Redis pub/sub', hubRedis, bareRedis);
  }
  console.log(`\n${options.clients} clients (one process) across ${options.symbols} symbols, every symbol updated once a second: ${expected} messages/s to deliver.\n`);
  console.log('| setup | StockMind msg/s | p50 ms | p99 ms | RSS MB | bare ws msg/s | p50 ms | p99 ms | RSS MB | throughput ratio |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const line of rows) console.log(line);
}

if (role === 'server') {
  await serverRole(process.argv[3] as 'stockmind' | 'bare', Number(process.argv[4]), Number(process.argv[5]), process.argv[6] || null, process.argv[7]!);
} else if (role === 'clients') {
  await clientsRole(process.argv[3]!.split(','), Number(process.argv[4]), Number(process.argv[5]));
} else {
  await main();
}
