// `stockmind stream tail`: the seed's Kafka consumer of `stock_prices`. Prints each record as one
// JSON line; tails started with the same --group share the records (each goes to one of them).
import { hostname } from 'node:os';
import { connectRedis } from '../adapters/redis.ts';
import { openPriceStream } from '../adapters/stream.ts';
import type { Config } from '../config.ts';
import { normalizeSymbol } from '../domain/market/symbol.ts';
import { SetupError } from './run.ts';

export interface TailCommandOptions {
  fromStart?: boolean;
  symbols?: string;
  group: string;
  consumer?: string;
}

export async function streamTail(settings: Config, options: TailCommandOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const redis = settings.redisUrl ? connectRedis(settings.redisUrl, 'stream-tail') : null;
  const stream = openPriceStream(
    { ...settings.priceStream, kafkaBrokers: settings.kafkaBootstrapServers, redisUrl: settings.redisUrl, redisPrefix: settings.redisPrefix },
    redis, () => connectRedis(settings.redisUrl!, 'stream-tail-blocking', { purpose: 'blocking' }),
  );
  if (!stream) {
    redis?.disconnect();
    throw new SetupError('no price stream is configured: set REDIS_URL (Redis Streams) or KAFKA_BOOTSTRAP_SERVERS (Kafka); PRICE_STREAM=off turns it off');
  }
  const wanted = options.symbols
    ? new Set(options.symbols.split(',').map((raw) => normalizeSymbol(raw)).filter((symbol): symbol is string => symbol !== null))
    : null;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await stream.tail({
      group: options.group,
      consumer: options.consumer ?? `${hostname()}-${process.pid}`,
      fromStart: options.fromStart ?? false,
      signal: controller.signal,
      onRecord: (record) => {
        if (wanted && !wanted.has(record.key)) return;
        out.write(`${JSON.stringify(record.value)}\n`);
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await stream.close();
    redis?.disconnect();
  }
}
