// Real processes for the fault tests: a Redis of the test's own (to kill and restart), and the
// `stockmind` command running as a server, a worker or an import, to SIGKILL mid-work.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const BIN = join(import.meta.dirname, '../../bin/stockmind.js');

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Polls until `probe` answers something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

export interface OwnRedis {
  url: string;
  /** SIGKILLs the server: an outage, as a crash or a lost machine is. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (it keeps nothing on disk). */
  start(): Promise<void>;
}

/** A redis-server of the test's own on a free port, keeping nothing on disk. */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}/0`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const probe = new Redis(own.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      await waitFor(async () => probe.connect().then(() => true, () => false), 10_000, 'redis-server to answer');
      probe.disconnect();
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
      child = null;
    },
  };
  await own.start();
  return own;
}

export interface StockmindProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** The base URL it listens on (servers only), from its start-up line. */
  baseUrl(): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `stockmind <args>` as a separate process with only `env`. */
export function spawnStockmind(args: string[], env: Record<string, string>): StockmindProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk) => { out += chunk; });
  child.stderr!.on('data', (chunk) => { out += chunk; });
  return {
    child,
    output: () => out,
    baseUrl: () => waitFor(() => /API on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1], 60_000, `stockmind ${args[0]} to listen (output: ${out.slice(-500)})`),
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      await exited(child);
    },
  };
}

export interface Timed {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: { success?: boolean; data?: unknown; message?: string } | null;
}

/** One request, with how long it took (a refused connection counts as status 0). */
export async function timed(url: string, init: RequestInit = {}): Promise<Timed> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = null; }
    return { status: response.status, ms: performance.now() - started, retryAfter: response.headers.get('retry-after'), body };
  } catch {
    return { status: 0, ms: performance.now() - started, retryAfter: null, body: null };
  }
}
