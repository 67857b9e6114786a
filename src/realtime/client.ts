// One connected client: who it is, what it follows, and its outgoing queue. A slow reader never
// holds anyone up: past the send-buffer threshold its updates wait here, each symbol's replaced by
// the newest (an out-of-date quote is worth nothing), and a reader stuck too long is closed (1013).
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Tier } from '../domain/auth/tier.ts';
import { wsTally } from './metrics.ts';
import type { ErrorCode, ServerMessage } from './protocol.ts';

export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** A frame's payload: serialised once, as UTF-8 bytes shared by every recipient. */
export type Payload = string | Buffer;
/** Sent as text frames, whatever the payload's type. */
const TEXT = { binary: false } as const;

/** Replies and alerts kept for a congested client before it counts as stuck. */
const MAX_ORDERED_BACKLOG = 1_000;

export interface ClientIdentity {
  userId: string;
  tier: Tier;
}

export interface ClientOptions {
  sendBufferBytes: number;
  stuckMs: number;
  /** Also send each stock_update as price_update (`?alias=price_update`). */
  priceUpdateAlias: boolean;
  ipBucket: string;
  onStuck(client: Client): void;
}

export class Client {
  identity: ClientIdentity | null = null;
  readonly symbols = new Set<string>();
  /** Answered the last heartbeat ping. */
  alive = true;
  /** Rate limit: a token bucket refilled with the clock. */
  tokens: number;
  refilledAt: number;
  /** When the client was last told it is rate limited (at most one such error a second). */
  limitedNoticeAt = -Infinity;
  /** Client messages are handled one at a time, in order. */
  work: Promise<void> = Promise.resolve();

  private congested = false;
  private readonly pending = new Map<string, Payload>();
  private readonly ordered: Payload[] = [];
  private stuckTimer: ReturnType<typeof setTimeout> | null = null;

  /** The connection's id, in every log line about it. */
  readonly id = randomUUID();

  constructor(readonly socket: WebSocket, private readonly raw: Duplex, readonly options: ClientOptions, burst: number, now: number) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  get isCongested(): boolean {
    return this.congested;
  }

  /** A reply, an error or an alert: never dropped or replaced, always in order. */
  send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message), null);
  }

  error(code: ErrorCode, message: string, extra: { symbol?: string; retryAfterMs?: number } = {}): void {
    this.send({ type: 'error', code, message, ...extra });
  }

  /** A serialised update; while congested, the newest per `key` (type and symbol) waits. */
  push(key: string, text: Payload): void {
    this.sendText(text, key);
  }

  private sendText(text: Payload, key: string | null): void {
    if (!this.open) return;
    if (this.congested) {
      if (key === null) {
        this.ordered.push(text);
        if (this.ordered.length > MAX_ORDERED_BACKLOG) this.options.onStuck(this);
      } else {
        // Delete first so the replacement goes to the back, after what was already waiting.
        if (this.pending.delete(key)) wsTally.coalesced += 1;
        this.pending.set(key, text);
      }
      return;
    }
    if (key === null) wsTally.sentReplies += 1;
    else wsTally.sentUpdates += 1;
    this.socket.send(text, TEXT);
    if (this.socket.bufferedAmount >= this.options.sendBufferBytes) this.congest();
  }

  private congest(): void {
    this.congested = true;
    // The threshold is above the socket's high-water mark, so the socket will say when it drained.
    this.raw.once('drain', this.drained);
    this.stuckTimer = setTimeout(() => this.options.onStuck(this), this.options.stuckMs);
  }

  private readonly drained = (): void => {
    if (this.stuckTimer) clearTimeout(this.stuckTimer);
    this.stuckTimer = null;
    this.congested = false;
    if (!this.open) return;
    const ordered = this.ordered.splice(0);
    const pending = [...this.pending.entries()];
    this.pending.clear();
    for (const text of ordered) this.sendText(text, null);
    for (const [key, text] of pending) this.sendText(text, key);
  };

  /** How many updates are waiting (coalesced) and how many replies. */
  backlog(): { updates: number; replies: number } {
    return { updates: this.pending.size, replies: this.ordered.length };
  }

  close(code: number, reason: string): void {
    this.dispose();
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(code, reason);
  }

  /** Drops what waits and stops the timers (the socket closed or is closing). */
  dispose(): void {
    if (this.stuckTimer) clearTimeout(this.stuckTimer);
    this.stuckTimer = null;
    this.raw.off('drain', this.drained);
    this.pending.clear();
    this.ordered.length = 0;
  }
}
