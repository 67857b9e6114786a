// Refresh tokens, one row per issued token; a family of rows is one login session.
import { and, desc, eq, gt, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { refreshTokens, users } from '../schema/index.ts';

export interface NewRefreshToken {
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  createdIp: string | null;
  userAgent: string | null;
}

export interface SessionRow {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export class SessionRepository {
  constructor(private readonly db: Db) {}

  /** Runs `work` in one transaction, with a repository bound to it. */
  transaction<T>(work: (tx: SessionRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new SessionRepository(tx)));
  }

  /** A transaction-scoped lock on one session (family), taken by rotation and revocation alike. */
  private async lock(family: SQL): Promise<void> {
    await this.db.execute(sql`select pg_advisory_xact_lock(hashtextextended((${family})::text, 0))`);
  }

  lockFamily(familyId: string): Promise<void> {
    return this.lock(sql`${familyId}::uuid`);
  }

  lockFamilyOfToken(tokenHash: string): Promise<void> {
    return this.lock(sql`(select ${refreshTokens.familyId} from ${refreshTokens} where ${refreshTokens.tokenHash} = ${tokenHash})`);
  }

  async insert(token: NewRefreshToken): Promise<void> {
    await this.db.insert(refreshTokens).values(token);
  }

  /**
   * Marks a token spent if it may still be used: fresh, or spent within the grace window (two tabs
   * of one client refreshing at once). Answers its session, or null (unknown, revoked, expired, replayed).
   */
  async spend(tokenHash: string, now: Date, graceStart: Date): Promise<{ userId: string; familyId: string; ownerActive: boolean } | null> {
    const [spent] = await this.db.update(refreshTokens).set({ rotatedAt: sql`coalesce(${refreshTokens.rotatedAt}, ${now})` })
      .where(and(
        eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, now),
        or(isNull(refreshTokens.rotatedAt), gt(refreshTokens.rotatedAt, graceStart)),
      ))
      .returning({ userId: refreshTokens.userId, familyId: refreshTokens.familyId });
    if (!spent) return null;
    const [owner] = await this.db.select({ isActive: users.isActive }).from(users).where(eq(users.id, spent.userId));
    return { ...spent, ownerActive: owner?.isActive === true };
  }

  async byHash(tokenHash: string): Promise<{ familyId: string; rotatedAt: Date | null } | null> {
    const [row] = await this.db.select({ familyId: refreshTokens.familyId, rotatedAt: refreshTokens.rotatedAt })
      .from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
    return row ?? null;
  }

  /** Whether any token of the session is still unrevoked. */
  async isOpen(familyId: string): Promise<boolean> {
    const [row] = await this.db.select({ open: sql<boolean>`bool_or(${refreshTokens.revokedAt} is null)` })
      .from(refreshTokens).where(eq(refreshTokens.familyId, familyId));
    return row?.open === true;
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.db.update(refreshTokens).set({ revokedAt: at })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }

  /**
   * Revokes every open session of the user; answers the sessions (families) it ended. In a
   * transaction, each session's lock is taken first, so a rotation in flight cannot slip a new
   * token past the revocation.
   */
  async revokeAllOf(userId: string, at: Date): Promise<string[]> {
    const open = await this.db.selectDistinct({ familyId: refreshTokens.familyId }).from(refreshTokens)
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    for (const { familyId } of open) await this.lockFamily(familyId);
    const revoked = await this.db.update(refreshTokens).set({ revokedAt: at })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
      .returning({ familyId: refreshTokens.familyId });
    return [...new Set(revoked.map((row) => row.familyId))];
  }

  async belongsTo(familyId: string, userId: string): Promise<boolean> {
    const [row] = await this.db.select({ id: refreshTokens.id }).from(refreshTokens)
      .where(and(eq(refreshTokens.familyId, familyId), eq(refreshTokens.userId, userId))).limit(1);
    return row !== undefined;
  }

  /** The user's open sessions, most recently used first. */
  async openSessions(userId: string, now: Date): Promise<SessionRow[]> {
    return this.db.select({
      id: refreshTokens.familyId,
      createdAt: sql<Date>`min(${refreshTokens.createdAt})`.mapWith(refreshTokens.createdAt),
      lastUsedAt: sql<Date>`max(${refreshTokens.createdAt})`.mapWith(refreshTokens.createdAt),
      expiresAt: sql<Date>`max(${refreshTokens.expiresAt})`.mapWith(refreshTokens.expiresAt),
      ip: sql<string | null>`(array_agg(${refreshTokens.createdIp} order by ${refreshTokens.createdAt} desc))[1]`,
      userAgent: sql<string | null>`(array_agg(${refreshTokens.userAgent} order by ${refreshTokens.createdAt} desc))[1]`,
    }).from(refreshTokens)
      .where(eq(refreshTokens.userId, userId))
      .groupBy(refreshTokens.familyId)
      .having(sql`bool_and(${refreshTokens.revokedAt} is null) and max(${refreshTokens.expiresAt}) > ${now}`)
      .orderBy(desc(sql`max(${refreshTokens.createdAt})`));
  }

  /** Drops tokens that expired before `before`; answers how many. */
  async deleteExpired(before: Date): Promise<number> {
    const gone = await this.db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, before)).returning({ id: refreshTokens.id });
    return gone.length;
  }
}
