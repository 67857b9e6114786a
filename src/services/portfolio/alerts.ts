// Fired price alerts: the real-time engine records them (record), their owner lists them newest
// first and marks them read or unread.
import type { AlertRow, NewAlert, WatchlistRepository } from '../../db/repositories/watchlist.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../domain/time.ts';
import { PLACES, wire } from './amounts.ts';

export interface AlertView {
  id: string;
  watchlistId: string | null;
  symbol: string;
  kind: 'above' | 'below' | 'change_percent';
  /** The line crossed: a price (above, below) or a percent (change_percent). */
  threshold: number;
  price: number;
  changePercent: number | null;
  firedAt: string;
  readAt: string | null;
  read: boolean;
}

export function alertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    watchlistId: row.watchlistId,
    symbol: row.symbol,
    kind: row.kind as AlertView['kind'],
    threshold: wire(row.threshold, row.kind === 'change_percent' ? PLACES.percent : PLACES.price) as number,
    price: wire(row.price, PLACES.price) as number,
    changePercent: wire(row.changePercent, PLACES.percent),
    firedAt: row.firedAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
    read: row.readAt !== null,
  };
}

export class AlertService {
  constructor(
    private readonly repo: WatchlistRepository,
    private readonly clock: Clock,
  ) {}

  /** Records a fired alert; null when its dedupe key was recorded already (another instance saw the crossing). */
  async record(alert: NewAlert): Promise<AlertView | null> {
    const row = await this.repo.insertAlert(alert);
    return row === null ? null : alertView(row);
  }

  async list(userId: string, filter: { read?: boolean }, page: { offset: number; limit: number }): Promise<{ items: AlertView[]; count: number }> {
    const { rows, count } = await this.repo.alerts(userId, filter, page);
    return { items: rows.map(alertView), count };
  }

  async mark(userId: string, id: string, read: boolean): Promise<AlertView> {
    const row = await this.repo.markAlert(userId, id, read ? this.clock.now() : null);
    if (row === null) throw notFound('Alert not found.');
    return alertView(row);
  }
}
