// The durable price stream `stock_prices` for downstream consumers (the seed's Kafka producer and
// consumer): Redis Streams (XADD with an approximate length cap, consumer groups) or Kafka. Unlike
// the bus, a record waits for its reader: a tail started later, or restarted, still gets it.
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Redis } from 'ioredis';

export const PRICE_STREAM = 'stock_prices';

/** One message: its position in the stream, its key (the symbol) and its JSON value. */
export interface StreamRecord {
  id: string;
  key: string;
  value: unknown;
}

export interface TailOptions {
  /** Tails of one group share the records: each record goes to one of them. */
  group: string;
  /** This tail's name within the group. */
  consumer: string;
  /** A new group starts at the oldest record kept instead of at the next one (Kafka's fromBeginning). */
  fromStart: boolean;
  signal: AbortSignal;
  /** Called once per record, in order; the record counts as consumed when it resolves. */
  onRecord(record: StreamRecord): Promise<void> | void;
}

export interface PriceStream {
  readonly kind: 'redis' | 'kafka';
  append(key: string, value: unknown): Promise<void>;
  /** Consumes until the signal aborts. */
  tail(options: TailOptions): Promise<void>;
  close(): Promise<void>;
}

const BLOCK_MS = 2_000;
const BATCH = 100;
/** A record a consumer took but never acknowledged for this long is handed to another tail of its group. */
const CLAIM_IDLE_MS = 30_000;

type RedisEntry = [id: string, fields: string[]];

function recordOf([id, fields]: RedisEntry): StreamRecord | null {
  let key = '';
  let raw: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'key') key = fields[i + 1]!;
    else if (fields[i] === 'value') raw = fields[i + 1];
  }
  if (raw === undefined) return null;
  try {
    return { id, key, value: JSON.parse(raw) };
  } catch {
    return null;
  }
}

export class RedisStream implements PriceStream {
  readonly kind = 'redis';
  private readonly key: string;
  private readonly blocking = new Set<Redis>();

  /**
   * `openBlocking` opens a dedicated connection per tail: XREADGROUP ... BLOCK holds its connection.
   * `maxLength` caps the stream approximately (MAXLEN ~), so trimming stays cheap.
   */
  constructor(
    private readonly redis: Redis,
    private readonly openBlocking: () => Redis,
    prefix: string,
    private readonly maxLength: number,
    name = PRICE_STREAM,
  ) {
    this.key = prefix + name;
  }

  async append(key: string, value: unknown): Promise<void> {
    await this.redis.xadd(this.key, 'MAXLEN', '~', this.maxLength, '*', 'key', key, 'value', JSON.stringify(value));
  }

  async tail(options: TailOptions): Promise<void> {
    const connection = this.openBlocking();
    this.blocking.add(connection);
    const stop = () => connection.disconnect();
    options.signal.addEventListener('abort', stop, { once: true });
    try {
      try {
        await connection.xgroup('CREATE', this.key, options.group, options.fromStart ? '0' : '$', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
      const handle = async (entries: RedisEntry[]) => {
        for (const entry of entries) {
          if (options.signal.aborted) return;
          const record = recordOf(entry);
          if (record) await options.onRecord(record);
          await connection.xack(this.key, options.group, entry[0]);
        }
      };
      // First, what this consumer took before a crash, then what dead consumers of the group left.
      const own = await connection.xreadgroup('GROUP', options.group, options.consumer, 'COUNT', BATCH, 'STREAMS', this.key, '0') as [string, RedisEntry[]][] | null;
      for (const [, entries] of own ?? []) await handle(entries);
      const claimed = await connection.xautoclaim(this.key, options.group, options.consumer, CLAIM_IDLE_MS, '0-0', 'COUNT', BATCH) as [string, RedisEntry[]];
      await handle(claimed[1] ?? []);
      while (!options.signal.aborted) {
        const answer = await connection.xreadgroup('GROUP', options.group, options.consumer, 'COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.key, '>') as [string, RedisEntry[]][] | null;
        for (const [, entries] of answer ?? []) await handle(entries);
      }
    } catch (error) {
      if (!options.signal.aborted) throw error;
    } finally {
      options.signal.removeEventListener('abort', stop);
      this.blocking.delete(connection);
      connection.disconnect();
    }
  }

  async close(): Promise<void> {
    for (const connection of this.blocking) connection.disconnect();
    this.blocking.clear();
  }
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topic?: string;
}

export class KafkaStream implements PriceStream {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private readonly topic: string;
  private producer: Promise<Producer> | null = null;
  private readonly consumers = new Set<Consumer>();

  constructor(settings: KafkaSettings) {
    this.topic = settings.topic ?? PRICE_STREAM;
    // Few, quick retries: a broker that is down must not hold up quote ingest for half a minute.
    this.kafka = new Kafka({
      clientId: settings.clientId, brokers: settings.brokers, logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000, requestTimeout: 10_000, retry: { retries: 2, initialRetryTime: 200 },
    });
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.producer = null;
      throw error;
    });
    return this.producer;
  }

  async append(key: string, value: unknown): Promise<void> {
    const producer = await this.connectedProducer();
    await producer.send({ topic: this.topic, messages: [{ key, value: JSON.stringify(value) }] });
  }

  async tail(options: TailOptions): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: options.group, allowAutoTopicCreation: true });
    this.consumers.add(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: options.fromStart });
      const stopped = new Promise<void>((resolve) => {
        if (options.signal.aborted) resolve();
        options.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          let value: unknown;
          try {
            value = JSON.parse(message.value?.toString() ?? '');
          } catch {
            return;
          }
          await options.onRecord({ id: `${partition}-${message.offset}`, key: message.key?.toString() ?? '', value });
        },
      });
      await stopped;
    } finally {
      this.consumers.delete(consumer);
      await consumer.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((consumer) => consumer.disconnect()));
    const producer = this.producer;
    this.producer = null;
    if (producer) await producer.then((p) => p.disconnect(), () => undefined);
  }
}

/**
 * The stream as quote ingest uses it: an append that fails (a broker down) is logged, at most once
 * a minute, and never fails the quote, which is already stored, cached and published.
 */
export function tolerantStream(stream: PriceStream, log: { warn(object: object, message: string): void }): PriceStream {
  let lastWarning = -Infinity;
  let failed = 0;
  return {
    kind: stream.kind,
    tail: (options) => stream.tail(options),
    close: () => stream.close(),
    async append(key, value) {
      try {
        await stream.append(key, value);
      } catch (error) {
        failed += 1;
        if (Date.now() - lastWarning < 60_000) return;
        lastWarning = Date.now();
        log.warn({ err: error, stream: stream.kind, failed }, `price stream append failed (${failed} so far); quotes are still stored and published`);
      }
    },
  };
}

export interface PriceStreamSettings {
  mode: 'auto' | 'off' | 'redis' | 'kafka';
  maxLength: number;
  kafkaBrokers: string[];
  redisUrl: string | null;
  redisPrefix: string;
}

/** The stream this deployment asked for (PRICE_STREAM, KAFKA_BOOTSTRAP_SERVERS, REDIS_URL), or null when off. */
export function openPriceStream(settings: PriceStreamSettings, redis: Redis | null, openBlocking: () => Redis): PriceStream | null {
  const mode = settings.mode === 'auto'
    ? (settings.kafkaBrokers.length > 0 ? 'kafka' : redis ? 'redis' : 'off')
    : settings.mode;
  if (mode === 'kafka') return new KafkaStream({ brokers: settings.kafkaBrokers, clientId: 'stockmind' });
  if (mode === 'redis' && redis) return new RedisStream(redis, openBlocking, settings.redisPrefix, settings.maxLength);
  return null;
}
