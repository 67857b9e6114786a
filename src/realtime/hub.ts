// The WebSocket hub of /ws/market/ and /ws/: connections, who they are, what they follow, limits,
// heartbeat, and the fan-out of the bus. Each symbol's channel `stock_<SYMBOL>` is subscribed on the
// bus once per instance while a client of this instance follows it; each update is serialised once
// and written to every follower. A user's channel `user_<id>` carries their alerts to every
// connection of theirs on any instance.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Bus, Unsubscribe } from '../adapters/bus.ts';
import type { Tier } from '../domain/auth/tier.ts';
import { InvalidInput, NotFound, RateLimited, Unauthenticated, Unavailable } from '../domain/errors.ts';
import { normalizeSymbol } from '../domain/market/symbol.ts';
import type { Clock } from '../domain/time.ts';
import type { ErrorReporter, Log } from '../logging.ts';
import type { AccountService } from '../services/accounts.ts';
import type { StockCatalog } from '../services/market/catalog.ts';
import { ON_DEMAND_WAIT_MS } from '../services/market/gateway.ts';
import { stockChannel } from '../services/market/quote-ingest.ts';
import type { QuoteService } from '../services/market/quotes.ts';
import { SESSIONS_ENDED, userChannel } from '../services/alerts/channel.ts';
import type { TokenService } from '../services/tokens.ts';
import { Client, CLOSE_GOING_AWAY, CLOSE_POLICY, CLOSE_TRY_AGAIN_LATER, type ClientIdentity } from './client.ts';
import { watchHub, wsTally } from './metrics.ts';
import { isProtocolError, parseClientMessage, pushOf, type ClientMessage, type ErrorCode } from './protocol.ts';
import type { RealtimeSettings } from './settings.ts';

export interface HubDeps {
  bus: Bus;
  accounts: AccountService;
  tokens: TokenService;
  catalog: StockCatalog;
  quotes: QuoteService;
  clock: Clock;
  log: Log;
  settings: RealtimeSettings;
  /** Where a message the server failed to handle is reported (besides the log). */
  reports?: ErrorReporter;
}

/** What a connection brought at the handshake. */
export interface Handshake {
  /** The caller's address bucket (an IPv4 address or an IPv6 /64). */
  ipBucket: string;
  token: string | null;
  apiKey: string | null;
  priceUpdateAlias: boolean;
}

interface Channel {
  readonly clients: Set<Client>;
  readonly ready: Promise<Unsubscribe>;
  /** Counts live stock_updates, so a subscriber knows whether its snapshot is already stale. */
  seq: number;
  /** Clients sent a snapshot since the last live update, with its timestamp: the live copy of that same quote is not sent twice. */
  readonly snapshots: Map<Client, string>;
}

export interface HubStats {
  connections: number;
  authenticated: number;
  symbols: number;
  users: number;
  congested: number;
  /** Connections this server is closing (a stuck reader, a shutdown) that have not closed yet. */
  closing: number;
}

/** How long a shutdown waits for clients to answer the 1001 close before cutting them off. */
const CLOSE_GRACE_MS = 3_000;

export class Hub {
  private readonly clients = new Set<Client>();
  private readonly channels = new Map<string, Channel>();
  private readonly userChannels = new Map<string, Channel>();
  private readonly perIp = new Map<string, number>();
  /** What each client's snapshot sequence was when it joined a channel. */
  private readonly joinedAt = new WeakMap<Client, Map<string, number>>();
  private readonly closed = new WeakMap<WebSocket, Promise<void>>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private stopping = false;
  private readonly unwatch: () => void;

  constructor(private readonly deps: HubDeps) {
    this.heartbeat = setInterval(() => this.beat(), deps.settings.heartbeatSeconds * 1000);
    this.heartbeat.unref?.();
    this.unwatch = watchHub(this);
  }

  stats(): HubStats {
    let authenticated = 0;
    let congested = 0;
    let closing = 0;
    for (const client of this.clients) {
      if (client.identity) authenticated += 1;
      if (client.isCongested) congested += 1;
      if (client.socket.readyState === client.socket.CLOSING) closing += 1;
    }
    return { connections: this.clients.size, authenticated, symbols: this.channels.size, users: this.userChannels.size, congested, closing };
  }

  /** Takes over an upgraded connection. */
  accept(socket: WebSocket, raw: Duplex, handshake: Handshake): void {
    const { settings } = this.deps;
    const client = new Client(socket, raw, {
      sendBufferBytes: settings.sendBufferBytes,
      stuckMs: settings.stuckSeconds * 1000,
      priceUpdateAlias: handshake.priceUpdateAlias,
      ipBucket: handshake.ipBucket,
      onStuck: (stuck) => stuck.close(CLOSE_TRY_AGAIN_LATER, 'Client too slow: messages are not being read'),
    }, settings.messageBurst, this.deps.clock.now().getTime());
    this.closed.set(socket, new Promise((resolve) => socket.once('close', () => resolve())));
    if (this.stopping) {
      client.close(CLOSE_GOING_AWAY, 'Server shutting down');
      return;
    }
    const fromIp = this.perIp.get(handshake.ipBucket) ?? 0;
    if (fromIp >= settings.connectionsPerIp) {
      client.error('too_many_connections', `At most ${settings.connectionsPerIp} connections from one address.`);
      client.close(CLOSE_POLICY, 'Too many connections');
      return;
    }
    this.perIp.set(handshake.ipBucket, fromIp + 1);
    this.clients.add(client);
    wsTally.opened += 1;
    this.joinedAt.set(client, new Map());
    this.deps.log.debug({ connectionId: client.id, ip: handshake.ipBucket }, 'websocket connected');
    socket.on('message', (data, isBinary) => this.receive(client, data as Buffer | Buffer[] | ArrayBuffer, isBinary));
    socket.on('pong', () => { client.alive = true; });
    socket.once('close', (code: number) => {
      this.deps.log.debug({ connectionId: client.id, code, userId: client.identity?.userId }, 'websocket closed');
      this.forget(client);
    });
    if (handshake.token || handshake.apiKey) this.enqueue(client, { type: 'auth', token: handshake.token, apiKey: handshake.apiKey });
  }

  private receive(client: Client, data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    client.alive = true;
    wsTally.received += 1;
    if (!this.admit(client)) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const parsed = parseClientMessage(isBinary ? bytes.toString('utf8') : bytes.toString('utf8'));
    if (isProtocolError(parsed)) {
      client.error(parsed.error, parsed.message);
      return;
    }
    if (parsed.type === 'ping') {
      client.send({ type: 'pong' });
      return;
    }
    this.enqueue(client, parsed);
  }

  /** The client's token bucket: one token per message, refilled at messagesPerSecond up to the burst. */
  private admit(client: Client): boolean {
    const { messagesPerSecond, messageBurst } = this.deps.settings;
    const now = this.deps.clock.now().getTime();
    client.tokens = Math.min(messageBurst, client.tokens + ((now - client.refilledAt) / 1000) * messagesPerSecond);
    client.refilledAt = now;
    if (client.tokens >= 1) {
      client.tokens -= 1;
      return true;
    }
    // At most one error a second, not one per message: a flood must not be answered by a flood.
    if (now - client.limitedNoticeAt >= 1000) {
      client.limitedNoticeAt = now;
      const retryAfterMs = Math.ceil(((1 - client.tokens) / messagesPerSecond) * 1000);
      client.error('rate_limited', `At most ${messagesPerSecond} messages a second (bursts of ${messageBurst}); messages are ignored until then.`, { retryAfterMs });
    }
    return false;
  }

  /** Handles the client's messages one at a time, in the order they came; a failure is one `error` frame. */
  private enqueue(client: Client, message: ClientMessage): void {
    client.work = client.work.then(() => this.handle(client, message)).catch((error: unknown) => {
      const frame = errorFrame(error, message);
      if (frame) return client.error(frame.code, frame.message, frame.extra);
      this.deps.log.error({ err: error, connectionId: client.id, message: message.type }, 'websocket message failed');
      this.deps.reports?.capture(error, { area: 'websocket', connectionId: client.id });
      client.error('internal_error', 'The server could not handle this message.');
    });
  }

  private async handle(client: Client, message: ClientMessage): Promise<void> {
    if (!client.open) return;
    switch (message.type) {
      case 'subscribe': return this.subscribe(client, message.symbol);
      case 'unsubscribe': return this.unsubscribe(client, message.symbol);
      case 'auth': return this.authenticate(client, message.token, message.apiKey);
      case 'ping': client.send({ type: 'pong' });
    }
  }

  private async subscribe(client: Client, raw: string): Promise<void> {
    const symbol = normalizeSymbol(raw);
    if (!symbol) {
      client.error('invalid_symbol', `Invalid symbol "${raw.slice(0, 32)}": use letters, digits, "." or "-", starting with a letter (at most 16).`);
      return;
    }
    const limit = this.symbolLimit(client.identity?.tier ?? 'anonymous');
    if (!client.symbols.has(symbol) && client.symbols.size >= limit) {
      const who = client.identity ? `the ${client.identity.tier} tier` : 'connections without a token';
      client.error('symbol_limit', `At most ${limit} symbols per connection for ${who}; unsubscribe from one first.`, { symbol });
      return;
    }
    const { currency } = await this.deps.catalog.resolve(symbol, { waitMs: ON_DEMAND_WAIT_MS });
    if (!client.open) return;
    if (!(await this.join(client, symbol))) return;
    client.send({ type: 'subscribed', symbol, message: `Subscribed to ${symbol}` });
    let latest;
    try {
      latest = await this.deps.quotes.latest(symbol, currency, this.deps.log);
    } catch (error) {
      this.deps.log.warn({ err: error, symbol, connectionId: client.id }, 'no quote for a new subscriber');
      return;
    }
    const channel = this.channels.get(symbol);
    // A live update that reached the client meanwhile is newer than this snapshot.
    if (!latest || !channel || !client.symbols.has(symbol) || this.joinedAt.get(client)?.get(symbol) !== channel.seq) return;
    // A quote fetched on demand for this subscriber is also being published: it must not come twice.
    channel.snapshots.set(client, latest.timestamp);
    client.push(`stock_update:${symbol}`, JSON.stringify({ type: 'stock_update', data: latest }));
    if (client.options.priceUpdateAlias) client.push(`price_update:${symbol}`, JSON.stringify({ type: 'price_update', data: latest }));
  }

  private async unsubscribe(client: Client, raw: string): Promise<void> {
    const symbol = normalizeSymbol(raw);
    if (!symbol) {
      client.error('invalid_symbol', `Invalid symbol "${raw.slice(0, 32)}".`);
      return;
    }
    if (client.symbols.delete(symbol)) this.leave(this.channels, symbol, client);
    client.send({ type: 'unsubscribed', symbol, message: `Unsubscribed from ${symbol}` });
  }

  private symbolLimit(tier: Tier | 'anonymous'): number {
    return this.deps.settings.symbolsPerConnection[tier];
  }

  private async authenticate(client: Client, token: string | null, apiKey: string | null): Promise<void> {
    const identity = await this.identify(token, apiKey);
    if (!client.open) return;
    if (client.identity?.userId === identity.userId) {
      client.identity = identity;
    } else {
      const theirs = this.userChannels.get(identity.userId)?.clients.size ?? 0;
      if (theirs >= this.deps.settings.connectionsPerUser) {
        client.error('too_many_connections', `At most ${this.deps.settings.connectionsPerUser} connections per user; close another one first.`);
        client.close(CLOSE_POLICY, 'Too many connections');
        return;
      }
      if (client.identity) this.leave(this.userChannels, client.identity.userId, client);
      client.identity = identity;
      if (!(await this.joinUser(client, identity.userId))) return;
    }
    client.send({ type: 'authenticated', tier: identity.tier, message: `Authenticated (${identity.tier} tier): up to ${this.symbolLimit(identity.tier)} symbols.` });
  }

  private async identify(token: string | null, apiKey: string | null): Promise<ClientIdentity> {
    const { tokens, accounts } = this.deps;
    const userId = token ? (await tokens.authenticate(token)).sub : await accounts.userIdForApiKey(apiKey!);
    const principal = userId ? await accounts.principal(userId) : null;
    if (!principal) throw new Unauthenticated(token ? 'User not found or inactive.' : 'Invalid API key.');
    return { userId: principal.userId, tier: principal.tier };
  }

  /** Adds the client to a symbol's channel, subscribing this instance on the bus first if needed. */
  private async join(client: Client, symbol: string): Promise<boolean> {
    const channel = this.channel(this.channels, symbol, stockChannel(symbol), (message) => this.broadcast(symbol, message));
    channel.clients.add(client);
    client.symbols.add(symbol);
    this.joinedAt.get(client)?.set(symbol, channel.seq);
    return this.ready(channel, client, () => {
      client.symbols.delete(symbol);
      this.leave(this.channels, symbol, client);
    });
  }

  private async joinUser(client: Client, userId: string): Promise<boolean> {
    const channel = this.channel(this.userChannels, userId, userChannel(userId), (message) => this.relayAlert(userId, message));
    channel.clients.add(client);
    return this.ready(channel, client, () => this.leave(this.userChannels, userId, client));
  }

  private channel(channels: Map<string, Channel>, name: string, busChannel: string, handler: (message: unknown) => void): Channel {
    let channel = channels.get(name);
    if (!channel) {
      channel = { clients: new Set(), seq: 0, snapshots: new Map(), ready: this.deps.bus.subscribe(busChannel, handler) };
      // Handled in ready(); this keeps a failed subscription from being an unhandled rejection.
      channel.ready.catch(() => undefined);
      channels.set(name, channel);
    }
    return channel;
  }

  private async ready(channel: Channel, client: Client, undo: () => void): Promise<boolean> {
    try {
      await channel.ready;
      return true;
    } catch (error) {
      this.deps.log.warn({ err: error, connectionId: client.id }, 'bus subscription failed');
      undo();
      client.error('unavailable', 'Live updates are unavailable right now; try again shortly.', { retryAfterMs: 5_000 });
      return false;
    }
  }

  private leave(channels: Map<string, Channel>, name: string, client: Client): void {
    const channel = channels.get(name);
    channel?.snapshots.delete(client);
    if (!channel?.clients.delete(client) || channel.clients.size > 0) return;
    channels.delete(name);
    channel.ready.then((unsubscribe) => unsubscribe()).catch((error: unknown) => this.deps.log.warn({ err: error }, 'bus unsubscribe failed'));
  }

  /** One bus message to every follower of the symbol on this instance: serialised once. */
  private broadcast(symbol: string, message: unknown): void {
    const push = pushOf(message);
    const channel = this.channels.get(symbol);
    if (!push || !channel) return;
    if (push.type === 'stock_update') channel.seq += 1;
    // Encoded once: every socket writes the same bytes.
    const text = Buffer.from(JSON.stringify(push));
    const key = `${push.type}:${symbol}`;
    if (push.type !== 'stock_update') {
      for (const client of channel.clients) client.push(key, text);
      return;
    }
    let alias: Buffer | null = null;
    const snapshots = channel.snapshots.size > 0 ? channel.snapshots : null;
    const timestamp = snapshots ? (push.data as { timestamp?: unknown } | null)?.timestamp : undefined;
    for (const client of channel.clients) {
      if (snapshots?.has(client)) {
        const sent = snapshots.get(client);
        snapshots.delete(client);
        if (sent === timestamp) continue;
      }
      client.push(key, text);
      if (client.options.priceUpdateAlias) client.push(`price_update:${symbol}`, alias ??= Buffer.from(JSON.stringify({ type: 'price_update', data: push.data })));
    }
  }

  private relayAlert(userId: string, message: unknown): void {
    const channel = this.userChannels.get(userId);
    const { type, data } = (message ?? {}) as { type?: unknown; data?: unknown };
    if (channel && type === SESSIONS_ENDED) {
      for (const client of [...channel.clients]) client.close(CLOSE_POLICY, 'Session ended: log in again');
      return;
    }
    if (!channel || type !== 'alert' || data === undefined) return;
    for (const client of channel.clients) client.send({ type: 'alert', data });
  }

  private forget(client: Client): void {
    if (!this.clients.delete(client)) return;
    client.dispose();
    for (const symbol of client.symbols.keys()) this.leave(this.channels, symbol, client);
    client.symbols.clear();
    if (client.identity) this.leave(this.userChannels, client.identity.userId, client);
    const ip = client.options.ipBucket;
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(ip, left);
    else this.perIp.delete(ip);
  }

  /** Closes connections that did not answer the previous ping, and pings the others. */
  private beat(): void {
    for (const client of this.clients) {
      // Closing already (too slow, over a limit): ping() would throw; the close finishes it.
      if (!client.open) continue;
      if (!client.alive) {
        client.dispose();
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  /** Graceful shutdown: every client gets 1001 and a moment to answer it. */
  async close(): Promise<void> {
    this.stopping = true;
    this.unwatch();
    clearInterval(this.heartbeat);
    const clients = [...this.clients];
    for (const client of clients) client.close(CLOSE_GOING_AWAY, 'Server shutting down');
    const closedAll = Promise.all(clients.map((client) => this.closed.get(client.socket)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), CLOSE_GRACE_MS); });
    if ((await Promise.race([closedAll, grace])) === 'timeout') for (const client of clients) client.socket.terminate();
    clearTimeout(timer);
    for (const channel of [...this.channels.values(), ...this.userChannels.values()]) {
      await channel.ready.then((unsubscribe) => unsubscribe(), () => undefined);
    }
    this.channels.clear();
    this.userChannels.clear();
  }
}

type ErrorFrame = { code: ErrorCode; message: string; extra?: { symbol?: string; retryAfterMs?: number } };

/**
 * The one map from what a client's message failed with to the `error` frame it gets, as
 * http/errors.ts is for answers; null for anything else (a bug: logged, reported, `internal_error`).
 */
function errorFrame(error: unknown, message: ClientMessage): ErrorFrame | null {
  if (message.type === 'auth' && (error instanceof Unauthenticated || error instanceof RateLimited)) {
    return { code: 'unauthenticated', message: `${error.message} The connection stays anonymous.` };
  }
  const symbol = message.type === 'subscribe' ? normalizeSymbol(message.symbol) ?? message.symbol.slice(0, 32) : undefined;
  if (symbol !== undefined && error instanceof NotFound) return { code: 'unknown_symbol', message: `Unknown symbol: ${symbol}.`, extra: { symbol } };
  if (symbol !== undefined && error instanceof InvalidInput) return { code: 'invalid_symbol', message: error.message, extra: { symbol } };
  if (error instanceof Unavailable) return { code: 'unavailable', message: error.message, extra: { symbol, retryAfterMs: (error.retryAfterSeconds ?? 30) * 1000 } };
  return null;
}
