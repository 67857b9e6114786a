// cleanup_old_data: bars past their retention are archived (gzip CSV under the data directory)
// and then deleted; refresh tokens expired for a day are dropped. Only what the archive holds is
// deleted: a crash or a full disk leaves the bars in place.
import type { Archive } from '../adapters/archive.ts';
import type { PriceRepository, PriceRow } from '../db/repositories/prices.ts';
import type { SessionRepository } from '../db/repositories/sessions.ts';
import type { BarInterval } from '../domain/market/bar.ts';
import { DAY_MS, isoDate, type Clock } from '../domain/time.ts';
import type { Log } from '../logging.ts';

export interface RetentionSettings {
  intradayDays: number;
  dailyDays: number;
}

const HEADER = 'symbol,interval,timestamp,open,high,low,close,adjusted_close,volume,source\n';
const csvLine = (row: PriceRow) =>
  `${row.symbol},${row.interval},${row.timestamp.toISOString()},${row.open},${row.high},${row.low},${row.close},${row.adjustedClose ?? ''},${row.volume},${row.source}\n`;

export class RetentionService {
  constructor(
    private readonly prices: PriceRepository,
    private readonly sessions: SessionRepository,
    /** null keeps no archive (memory://: there is nowhere to write one). */
    private readonly archive: Archive | null,
    private readonly settings: RetentionSettings,
    private readonly clock: Clock,
  ) {}

  private async retire(interval: BarInterval, cutoff: Date, runId: string): Promise<{ deleted: number; archive: string | null }> {
    let file: string | null = null;
    const archive = this.archive;
    const keep = archive
      ? async (chunks: AsyncIterable<PriceRow[]>) => {
        async function* lines() {
          yield HEADER;
          for await (const rows of chunks) yield rows.map(csvLine).join('');
        }
        file = await archive.write(`stock_prices_${interval}_before_${isoDate(cutoff)}_${runId}.csv.gz`, lines());
      }
      : null;
    const deleted = await this.prices.retire(interval, cutoff, keep);
    return { deleted, archive: file };
  }

  async run(log: Log) {
    const at = this.clock.now();
    const runId = at.toISOString().replace(/[:.]/g, '-');
    const intraday = await this.retire('1m', new Date(at.getTime() - this.settings.intradayDays * DAY_MS), runId);
    const daily = await this.retire('1d', new Date(at.getTime() - this.settings.dailyDays * DAY_MS), runId);
    const tokens = await this.sessions.deleteExpired(new Date(at.getTime() - DAY_MS));
    const archives = [intraday.archive, daily.archive].filter(Boolean);
    if (archives.length > 0) log.info({ archives }, 'bars archived');
    return { intradayDeleted: intraday.deleted, dailyDeleted: daily.deleted, refreshTokensDeleted: tokens, archived: this.archive !== null };
  }
}
