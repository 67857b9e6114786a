// JWT sessions. A login starts a session (a refresh-token family); each refresh rotates the
// refresh token within it; replaying a rotated token revokes the whole family (the theft
// signal); access tokens carry their session id so logout with no body can end it.
import { randomUUID } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import { LRUCache } from 'lru-cache';
import type { Cache } from '../adapters/cache.ts';
import type { LocalMemo } from '../adapters/memo.ts';
import type { SessionRepository, SessionRow } from '../db/repositories/sessions.ts';
import { notFound, unauthenticated } from '../domain/errors.ts';
import type { Clock } from '../domain/time.ts';
import { sha256 } from './secrets.ts';

export interface TokenPair {
  token: string;
  refresh: string;
}

export interface SessionClaims {
  sub: string;
  /** The session: the refresh-token family the token belongs to. */
  sid: string;
  typ: 'access' | 'refresh';
  jti: string;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SessionSummary extends SessionRow {
  current: boolean;
}

export interface TokenSettings {
  secretKey: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** How long a spent refresh token still works (concurrent tabs) before reuse counts as theft. */
  refreshReuseGraceSeconds: number;
}

const INVALID_TOKEN = 'Given token not valid for any token type';
const REVOCATION_RETRY_MS = 2_000;
export const sessionEnded = () => unauthenticated('Token has been revoked', { token: ['This session has ended. Log in again.'] });
const sessionKey = (sid: string) => `session:${sid}`;

export class TokenService {
  private readonly signAccess: (claims: object) => string;
  private readonly signRefresh: (claims: object) => string;
  private readonly verify: (token: string) => SessionClaims;
  // How long a session's state may be served from the cache: a revocation also writes it, so
  // this only bounds how long a process restart (embedded) forgets nothing.
  private readonly sessionCacheSeconds = 60;
  /** Claims of tokens whose signature was checked (expiry is checked on every use). */
  private readonly verified = new LRUCache<string, SessionClaims & { exp: number }>({ max: 10_000 });

  constructor(
    private readonly sessions: SessionRepository,
    private readonly cache: Cache,
    private readonly settings: TokenSettings,
    private readonly clock: Clock,
    /** Embedded only: sessions' states as this process last saw them (see LocalMemo). */
    private readonly memo: LocalMemo | null = null,
  ) {
    const key = settings.secretKey;
    // iat and exp come from our clock (fast-jwt's own would read the system's), so tests move time.
    const sign = createSigner({ key, algorithm: 'HS256', noTimestamp: true });
    const signFor = (ttlSeconds: number) => (claims: object) => {
      const iat = Math.floor(clock.now().getTime() / 1000);
      return sign({ ...claims, iat, exp: iat + ttlSeconds });
    };
    this.signAccess = signFor(settings.accessTtlSeconds);
    this.signRefresh = signFor(settings.refreshTtlSeconds);
    // Only HS256: `alg: none` and algorithm-confusion tokens fail here. Expiry is checked against
    // our clock in decode().
    this.verify = createVerifier({ key, algorithms: ['HS256'], requiredClaims: ['sub', 'sid', 'typ', 'exp'], ignoreExpiration: true });
  }

  private decode(token: string, expected: SessionClaims['typ']): SessionClaims {
    // Tokens seen recently skip the signature check (and fast-jwt's hashing of its own cache key).
    let claims = this.verified.get(token);
    if (claims === undefined) {
      try {
        claims = this.verify(token) as SessionClaims & { exp: number };
      } catch {
        throw unauthenticated(INVALID_TOKEN, { token: ['Token is invalid.'] });
      }
      this.verified.set(token, claims);
    }
    if (typeof claims.exp !== 'number') throw unauthenticated(INVALID_TOKEN, { token: ['Token is invalid.'] });
    if (claims.exp * 1000 <= this.clock.now().getTime()) throw unauthenticated('Token is expired', { token: ['Token is expired.'] });
    if (claims.typ !== expected) {
      throw unauthenticated(INVALID_TOKEN, { token: [`Token has wrong type: expected a token of type ${expected}.`] });
    }
    return claims;
  }

  private async issueRefresh(sessions: SessionRepository, userId: string, familyId: string, client: ClientInfo): Promise<string> {
    const refresh = this.signRefresh({ sub: userId, sid: familyId, typ: 'refresh', jti: randomUUID() });
    await sessions.insert({
      userId,
      familyId,
      tokenHash: sha256(refresh),
      expiresAt: new Date(this.clock.now().getTime() + this.settings.refreshTtlSeconds * 1000),
      createdIp: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    return refresh;
  }

  private access(userId: string, familyId: string): string {
    return this.signAccess({ sub: userId, sid: familyId, typ: 'access', jti: randomUUID() });
  }

  /** A new session for a user who just proved who they are. */
  async startSession(userId: string, client: ClientInfo): Promise<TokenPair> {
    const familyId = randomUUID();
    const refresh = await this.issueRefresh(this.sessions, userId, familyId, client);
    return { token: this.access(userId, familyId), refresh };
  }

  /** Trades a refresh token for a new pair; the old refresh token is spent. */
  async rotate(refresh: string, client: ClientInfo): Promise<TokenPair> {
    this.decode(refresh, 'refresh');
    const hash = sha256(refresh);
    const pair = await this.sessions.transaction(async (tx) => {
      // Serialises with a logout of the same session, so the token issued here cannot escape it.
      await tx.lockFamilyOfToken(hash);
      const now = this.clock.now();
      const graceStart = new Date(now.getTime() - this.settings.refreshReuseGraceSeconds * 1000);
      const spent = await tx.spend(hash, now, graceStart);
      if (!spent) return null;
      // A disabled user gets no new tokens; the transaction rolls back, leaving the token unspent.
      if (!spent.ownerActive) throw unauthenticated('User not found or inactive.', { refresh: ['User not found or inactive.'] });
      const next = await this.issueRefresh(tx, spent.userId, spent.familyId, client);
      return { token: this.access(spent.userId, spent.familyId), refresh: next };
    });
    if (pair) return pair;
    const known = await this.sessions.byHash(hash);
    if (known?.rotatedAt) {
      // A spent token came back: someone holds a copy. End the session for everyone.
      await this.revokeFamily(known.familyId);
      throw unauthenticated('Token has been revoked', { refresh: ['This refresh token was already used; the session has been ended.'] });
    }
    throw unauthenticated('Token has been revoked', { refresh: [known ? 'This session has ended.' : 'Unknown refresh token.'] });
  }

  /** The claims of a signed, unexpired access token (its session not yet checked); 401 otherwise. */
  decodeAccess(token: string): SessionClaims {
    return this.decode(token, 'access');
  }

  /** Whether a session is open, when this process knows at once (embedded); undefined otherwise. */
  sessionOpenNow(sid: string): boolean | undefined {
    const state = this.memo?.get<'open' | 'revoked'>(sessionKey(sid));
    return state === undefined ? undefined : state === 'open';
  }

  /** Claims of a valid access token whose session is still open; 401 otherwise. */
  async authenticate(token: string): Promise<SessionClaims> {
    const claims = this.decode(token, 'access');
    if (!(await this.sessionOpen(claims.sid))) throw sessionEnded();
    return claims;
  }

  private async sessionOpen(sid: string): Promise<boolean> {
    const known = this.sessionOpenNow(sid);
    if (known !== undefined) return known;
    const cached = await this.cache.get<'open' | 'revoked'>(sessionKey(sid));
    let state = cached;
    if (!state) {
      state = (await this.sessions.isOpen(sid)) ? 'open' : 'revoked';
      // `add`, not `set`: a logout that wrote "revoked" while we were reading must win.
      await this.cache.add(sessionKey(sid), state, this.sessionCacheSeconds);
    }
    this.memo?.add(sessionKey(sid), state, this.sessionCacheSeconds);
    return state === 'open';
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.sessions.transaction(async (tx) => {
      await tx.lockFamily(familyId);
      await tx.revokeFamily(familyId, this.clock.now());
    });
    // Outlives every access token of the session, so none of them works again.
    this.memo?.set(sessionKey(familyId), 'revoked', this.settings.accessTtlSeconds + 60);
    await this.markRevoked(familyId);
  }

  /**
   * Writes the revocation to the shared cache. While Redis is down the write cannot land, and an
   * instance may still hold "open" there from before (for up to sessionCacheSeconds): the write is
   * retried in the background until it lands, so that stale "open" is replaced as soon as Redis is
   * back. (During the outage itself every instance reads the database, where the revocation is.)
   */
  private async markRevoked(familyId: string, deadline = this.clock.now().getTime() + 2 * this.sessionCacheSeconds * 1000): Promise<void> {
    const key = sessionKey(familyId);
    const ttl = this.settings.accessTtlSeconds + 60;
    await this.cache.set(key, 'revoked', ttl);
    if ((await this.cache.get(key)) === 'revoked' || this.clock.now().getTime() > deadline) return;
    setTimeout(() => void this.markRevoked(familyId, deadline), REVOCATION_RETRY_MS).unref();
  }

  /** Sessions revoked in the database (an admin's revocation): no token of theirs works again, on any instance. */
  async sessionsEnded(familyIds: readonly string[]): Promise<void> {
    for (const familyId of familyIds) this.memo?.set(sessionKey(familyId), 'revoked', this.settings.accessTtlSeconds + 60);
    await Promise.all(familyIds.map((familyId) => this.markRevoked(familyId)));
  }

  /** Ends one of the user's sessions; 404 when it is not theirs. */
  async endSession(userId: string, sessionId: string): Promise<void> {
    if (!(await this.sessions.belongsTo(sessionId, userId))) throw notFound('Session not found.');
    await this.revokeFamily(sessionId);
  }

  /** The user and session a refresh token names (signature and expiry checked; 401 otherwise). */
  sessionOfRefresh(refresh: string): { userId: string; sessionId: string } {
    const claims = this.decode(refresh, 'refresh');
    return { userId: claims.sub, sessionId: claims.sid };
  }

  /** The user's open sessions, most recently used first. */
  async openSessions(userId: string, currentSessionId: string | null): Promise<SessionSummary[]> {
    const rows = await this.sessions.openSessions(userId, this.clock.now());
    return rows.map((row) => ({ ...row, current: row.id === currentSessionId }));
  }
}
