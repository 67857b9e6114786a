// WebSocket metrics: tallies kept as plain numbers where connections open and frames are written
// (the fan-out path stays a bare increment), handed to Prometheus at scrape time with the live
// state of every hub of this process.
import { Counter, Gauge } from 'prom-client';
import type { HubStats } from './hub.ts';

export const wsTally = { opened: 0, received: 0, sentUpdates: 0, sentReplies: 0, coalesced: 0 };

const hubs = new Set<{ stats(): HubStats }>();

/** Counts the hub's connections in the gauges until the returned function is called. */
export function watchHub(hub: { stats(): HubStats }): () => void {
  hubs.add(hub);
  return () => { hubs.delete(hub); };
}

function total(field: keyof HubStats): number {
  let sum = 0;
  for (const hub of hubs) sum += hub.stats()[field];
  return sum;
}

new Gauge({
  name: 'stockmind_ws_connections',
  help: 'Open WebSocket connections (all, and those authenticated as a user)',
  labelNames: ['state'] as const,
  collect() {
    this.set({ state: 'open' }, total('connections'));
    this.set({ state: 'authenticated' }, total('authenticated'));
    this.set({ state: 'congested' }, total('congested'));
  },
});
new Gauge({
  name: 'stockmind_ws_subscribed_symbols',
  help: 'Symbols at least one WebSocket client of this process follows',
  collect() { this.set(total('symbols')); },
});
new Counter({
  name: 'stockmind_ws_connections_opened_total',
  help: 'WebSocket connections accepted',
  collect() {
    this.reset();
    this.inc(wsTally.opened);
  },
});
new Counter({
  name: 'stockmind_ws_messages_received_total',
  help: 'Messages received from WebSocket clients',
  collect() {
    this.reset();
    this.inc(wsTally.received);
  },
});
new Counter({
  name: 'stockmind_ws_messages_sent_total',
  help: 'Frames written to WebSocket clients: updates (quotes, indicators, predictions...) and replies (acknowledgements, errors, alerts, pongs)',
  labelNames: ['kind'] as const,
  collect() {
    this.reset();
    this.inc({ kind: 'update' }, wsTally.sentUpdates);
    this.inc({ kind: 'reply' }, wsTally.sentReplies);
  },
});
new Counter({
  name: 'stockmind_ws_updates_coalesced_total',
  help: 'Updates replaced by a newer one before a slow client could read them',
  collect() {
    this.reset();
    this.inc(wsTally.coalesced);
  },
});
