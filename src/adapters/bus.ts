// Bus port: pub/sub between the jobs and every API instance's WebSocket hub. In-process
// EventEmitter embedded, Redis pub/sub scaled (any instance can serve any client).
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { redisUnavailable } from './redis.ts';

export type BusHandler = (message: unknown) => void;
export type Unsubscribe = () => Promise<void>;

export interface Bus {
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, handler: BusHandler): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export class MemoryBus implements Bus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, message: unknown): Promise<void> {
    // Serialised like Redis would, so subscribers never share an object with the publisher.
    const payload = JSON.stringify(message);
    // Delivered on a later tick, as over Redis: publishers never run subscriber code inline.
    setImmediate(() => this.emitter.emit(channel, payload));
  }

  async subscribe(channel: string, handler: BusHandler): Promise<Unsubscribe> {
    // Each subscriber parses its own copy, so one cannot change what another receives.
    const listener = (payload: string) => handler(JSON.parse(payload));
    this.emitter.on(channel, listener);
    return async () => { this.emitter.off(channel, listener); };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export class RedisBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  /** `subscriber` must be a dedicated connection: a subscribed Redis connection can do nothing else. */
  constructor(private readonly publisher: Redis, private readonly subscriber: Redis, private readonly prefix: string) {
    subscriber.on('message', (fullChannel: string, payload: string) => {
      const handlers = this.handlers.get(fullChannel.slice(this.prefix.length));
      if (!handlers) return;
      for (const handler of handlers) {
        let message: unknown;
        try {
          // A copy per subscriber, so one cannot change what another receives.
          message = JSON.parse(payload);
        } catch {
          return; // Not ours: someone else published on our channel.
        }
        handler(message);
      }
    });
  }

  async publish(channel: string, message: unknown): Promise<void> {
    try {
      await this.publisher.publish(this.prefix + channel, JSON.stringify(message));
    } catch (error) {
      throw redisUnavailable(error);
    }
  }

  async subscribe(channel: string, handler: BusHandler): Promise<Unsubscribe> {
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
      await this.subscriber.subscribe(this.prefix + channel);
    }
    handlers.add(handler);
    return async () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(handler) || current.size > 0) return;
      this.handlers.delete(channel);
      await this.subscriber.unsubscribe(this.prefix + channel);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscriber.disconnect();
  }
}
