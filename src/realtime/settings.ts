// The hub's limits and timers, from config (WS_* variables).
import type { Tier } from '../domain/auth/tier.ts';

export interface RealtimeSettings {
  /** Symbols one connection may follow, by who it is (anonymous: no token or API key). */
  symbolsPerConnection: Record<Tier | 'anonymous', number>;
  /** Open connections of one user on this instance. */
  connectionsPerUser: number;
  /** Open connections from one address (an IPv6 /64) on this instance. */
  connectionsPerIp: number;
  /** Client messages a connection may send: a bucket of `messageBurst` refilled at this rate. */
  messagesPerSecond: number;
  messageBurst: number;
  /** The server pings this often and closes a connection that did not answer the previous ping. */
  heartbeatSeconds: number;
  /** Past this many bytes waiting to be written to a client, its updates are coalesced per symbol. */
  sendBufferBytes: number;
  /** A client that stays past the send-buffer threshold this long is closed with 1013. */
  stuckSeconds: number;
}
