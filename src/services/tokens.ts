// JWT sessions. A login starts a session (a refresh-token family); each refresh rotates the
// refresh token within it; replaying a rotated token revokes the whole family (the theft
// signal); access tokens carry their session id so logout with no body can end it.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import type { Cache } from '../adapters/cache.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { refreshTokens, users } from '../db/schema/index.ts';
import { notFound, unauthorized } from '../errors.ts';
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

export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

const INVALID_TOKEN = 'Given token not valid for any token type';

/** A transaction-scoped lock on one session (refresh family), taken by rotation and revocation alike. */
async function lockFamily(tx: Db, family: SQL): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended((${family})::text, 0))`);
}
const sessionKey = (sid: string) => `session:${sid}`;

export class TokenService {
  private readonly signAccess: (claims: object) => string;
  private readonly signRefresh: (claims: object) => string;
  private readonly verify: (token: string) => SessionClaims;
  // How long a session's state may be served from the cache: a revocation also writes it, so
  // this only bounds how long a process restart (embedded) forgets nothing.
  private readonly sessionCacheSeconds = 60;

  constructor(private readonly db: Db, private readonly cache: Cache, private readonly config: Config) {
    const key = config.secretKey;
    this.signAccess = createSigner({ key, algorithm: 'HS256', expiresIn: config.jwt.accessTtlSeconds * 1000 });
    this.signRefresh = createSigner({ key, algorithm: 'HS256', expiresIn: config.jwt.refreshTtlSeconds * 1000 });
    // Only HS256: `alg: none` and algorithm-confusion tokens fail here. The cache skips the
    // HMAC for tokens seen recently (it still honours exp).
    this.verify = createVerifier({ key, algorithms: ['HS256'], cache: 10_000, cacheTTL: 600_000, requiredClaims: ['sub', 'sid', 'typ', 'exp'] });
  }

  private decode(token: string, expected: SessionClaims['typ']): SessionClaims {
    let claims: SessionClaims;
    try {
      claims = this.verify(token);
    } catch (error) {
      const expired = error instanceof TokenError && error.code === TokenError.codes.expired;
      throw unauthorized(expired ? 'Token is expired' : INVALID_TOKEN, { token: [expired ? 'Token is expired.' : 'Token is invalid.'] });
    }
    if (claims.typ !== expected) {
      throw unauthorized(INVALID_TOKEN, { token: [`Token has wrong type: expected a token of type ${expected}.`] });
    }
    return claims;
  }

  private async issueRefresh(db: Db, userId: string, familyId: string, client: ClientInfo): Promise<string> {
    const refresh = this.signRefresh({ sub: userId, sid: familyId, typ: 'refresh', jti: randomUUID() });
    await db.insert(refreshTokens).values({
      userId,
      familyId,
      tokenHash: sha256(refresh),
      expiresAt: new Date(Date.now() + this.config.jwt.refreshTtlSeconds * 1000),
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
    const refresh = await this.issueRefresh(this.db, userId, familyId, client);
    return { token: this.access(userId, familyId), refresh };
  }

  /** Trades a refresh token for a new pair; the old refresh token is spent. */
  async rotate(refresh: string, client: ClientInfo): Promise<TokenPair> {
    this.decode(refresh, 'refresh');
    const hash = sha256(refresh);
    const pair = await this.db.transaction(async (tx) => {
      // Serialises with a logout of the same session, so the token issued here cannot escape it.
      await lockFamily(tx as unknown as Db, sql`(select ${refreshTokens.familyId} from ${refreshTokens} where ${refreshTokens.tokenHash} = ${hash})`);
      // The conditional UPDATE decides: a fresh token, or one spent within the grace window (two tabs
      // of one client refreshing at once) gets a pair; anything older is a replay.
      const now = new Date();
      const graceStart = new Date(now.getTime() - this.config.jwt.refreshReuseGraceSeconds * 1000);
      const [spent] = await tx.update(refreshTokens).set({ rotatedAt: sql`coalesce(${refreshTokens.rotatedAt}, ${now})` })
        .where(and(
          eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, now),
          or(isNull(refreshTokens.rotatedAt), gt(refreshTokens.rotatedAt, graceStart)),
        ))
        .returning({ userId: refreshTokens.userId, familyId: refreshTokens.familyId });
      if (!spent) return null;
      const [owner] = await tx.select({ isActive: users.isActive }).from(users).where(eq(users.id, spent.userId));
      // A disabled user gets no new tokens; the transaction rolls back, leaving the token unspent.
      if (!owner?.isActive) throw unauthorized('User not found or inactive.', { refresh: ['User not found or inactive.'] });
      const next = await this.issueRefresh(tx as unknown as Db, spent.userId, spent.familyId, client);
      return { token: this.access(spent.userId, spent.familyId), refresh: next };
    });
    if (pair) return pair;
    const [known] = await this.db.select({ familyId: refreshTokens.familyId, rotatedAt: refreshTokens.rotatedAt })
      .from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)).limit(1);
    if (known?.rotatedAt) {
      // A spent token came back: someone holds a copy. End the session for everyone.
      await this.revokeFamily(known.familyId);
      throw unauthorized('Token has been revoked', { refresh: ['This refresh token was already used; the session has been ended.'] });
    }
    throw unauthorized('Token has been revoked', { refresh: [known ? 'This session has ended.' : 'Unknown refresh token.'] });
  }

  /** Claims of a valid access token whose session is still open; 401 otherwise. */
  async authenticate(token: string): Promise<SessionClaims> {
    const claims = this.decode(token, 'access');
    if (!(await this.sessionOpen(claims.sid))) {
      throw unauthorized('Token has been revoked', { token: ['This session has ended. Log in again.'] });
    }
    return claims;
  }

  private async sessionOpen(sid: string): Promise<boolean> {
    const cached = await this.cache.get<'open' | 'revoked'>(sessionKey(sid));
    if (cached) return cached === 'open';
    const [row] = await this.db.select({ open: sql<boolean>`bool_or(${refreshTokens.revokedAt} is null)` })
      .from(refreshTokens).where(eq(refreshTokens.familyId, sid));
    const open = row?.open === true;
    // `add`, not `set`: a logout that wrote "revoked" while we were reading must win.
    await this.cache.add(sessionKey(sid), open ? 'open' : 'revoked', this.sessionCacheSeconds);
    return open;
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await lockFamily(tx as unknown as Db, sql`${familyId}::uuid`);
      await tx.update(refreshTokens).set({ revokedAt: new Date() })
        .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
    });
    // Outlives every access token of the session, so none of them works again.
    await this.cache.set(sessionKey(familyId), 'revoked', this.config.jwt.accessTtlSeconds + 60);
  }

  /** Ends one of the user's sessions; 404 when it is not theirs. */
  async endSession(userId: string, sessionId: string): Promise<void> {
    const [row] = await this.db.select({ id: refreshTokens.id }).from(refreshTokens)
      .where(and(eq(refreshTokens.familyId, sessionId), eq(refreshTokens.userId, userId))).limit(1);
    if (!row) throw notFound('Session not found.');
    await this.revokeFamily(sessionId);
  }

  /** The user and session a refresh token names (signature and expiry checked; 401 otherwise). */
  sessionOfRefresh(refresh: string): { userId: string; sessionId: string } {
    const claims = this.decode(refresh, 'refresh');
    return { userId: claims.sub, sessionId: claims.sid };
  }

  /** The user's open sessions, most recently used first. */
  async sessions(userId: string, currentSessionId: string | null): Promise<SessionSummary[]> {
    const rows = await this.db.select({
      id: refreshTokens.familyId,
      createdAt: sql<Date>`min(${refreshTokens.createdAt})`.mapWith(refreshTokens.createdAt),
      lastUsedAt: sql<Date>`max(${refreshTokens.createdAt})`.mapWith(refreshTokens.createdAt),
      expiresAt: sql<Date>`max(${refreshTokens.expiresAt})`.mapWith(refreshTokens.expiresAt),
      ip: sql<string | null>`(array_agg(${refreshTokens.createdIp} order by ${refreshTokens.createdAt} desc))[1]`,
      userAgent: sql<string | null>`(array_agg(${refreshTokens.userAgent} order by ${refreshTokens.createdAt} desc))[1]`,
    }).from(refreshTokens)
      .where(eq(refreshTokens.userId, userId))
      .groupBy(refreshTokens.familyId)
      .having(sql`bool_and(${refreshTokens.revokedAt} is null) and max(${refreshTokens.expiresAt}) > now()`)
      .orderBy(desc(sql`max(${refreshTokens.createdAt})`));
    return rows.map((row) => ({ ...row, current: row.id === currentSessionId }));
  }
}
