// A WebSocket client for tests (the `ws` package, as a Node client would use it): every frame it
// receives is kept, and `next(match)` waits for the next one that matches. A test file importing
// this runs on both scales (scripts/test-scaled.mjs), like one importing http.ts.
import { WebSocket, type ClientOptions } from 'ws';

export { SCALE } from './scale.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = { type: string; [field: string]: any };

export interface WsClient {
  socket: WebSocket;
  /** Every frame received so far, in order. */
  frames: Frame[];
  /** The next frame after the last one taken that matches (a type, or a predicate); waits for it. Frames skipped over are passed by. */
  next(match?: string | ((frame: Frame) => boolean), timeoutMs?: number): Promise<Frame>;
  send(message: unknown): void;
  /** Resolves with the close code and reason once the connection closed. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  path?: string;
  query?: Record<string, string>;
  protocols?: string[];
  headers?: Record<string, string>;
  options?: ClientOptions;
}

export const wsUrl = (baseUrl: string, path = '/ws/market/', query: Record<string, string> = {}) => {
  const url = new URL(path, baseUrl.replace(/^http/, 'ws'));
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.toString();
};

export async function connect(baseUrl: string, options: ConnectOptions = {}): Promise<WsClient> {
  const socket = new WebSocket(wsUrl(baseUrl, options.path, options.query), options.protocols ?? [], { headers: options.headers, ...options.options });
  const frames: Frame[] = [];
  let cursor = 0;
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);

  const matches = (frame: Frame, match?: string | ((frame: Frame) => boolean)) =>
    match === undefined || (typeof match === 'string' ? frame.type === match : match(frame));

  return {
    socket, frames, closed,
    next(match, timeoutMs = 10_000) {
      return new Promise<Frame>((resolve, reject) => {
        const look = () => {
          const index = frames.findIndex((frame, i) => i >= cursor && matches(frame, match));
          if (index >= 0) {
            cursor = index + 1;
            done();
            resolve(frames[index]!);
          } else if (socket.readyState === WebSocket.CLOSED) {
            done();
            reject(new Error(`connection closed before a frame matching ${String(match)} arrived; got ${JSON.stringify(frames.slice(-5))}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no frame matching ${String(match)} within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(look);
        };
        waiters.add(look);
        look();
      });
    },
    send(message) {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await closed;
    },
  };
}

/** Waits until `probe` gives a value (polling); for state the test cannot be told about. */
export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
