// The PostgreSQL pool's use, read at scrape time from every pool this process has open (one per
// runtime). PGlite runs in this process with no pool: nothing to export there.
import type pg from 'pg';
import { Gauge } from 'prom-client';

const pools = new Set<pg.Pool>();

new Gauge({
  name: 'stockmind_db_pool_connections',
  help: 'PostgreSQL pool connections: total open, idle, and callers waiting for one',
  labelNames: ['state'] as const,
  collect() {
    let total = 0;
    let idle = 0;
    let waiting = 0;
    for (const pool of pools) {
      total += pool.totalCount;
      idle += pool.idleCount;
      waiting += pool.waitingCount;
    }
    this.set({ state: 'total' }, total);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting' }, waiting);
  },
});

/** Counts the pool in the gauge until the returned function is called (on close). */
export function watchPool(pool: pg.Pool): () => void {
  pools.add(pool);
  return () => { pools.delete(pool); };
}
