// Users and their profiles.
import { and, count, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Tier } from '../../domain/auth/tier.ts';
import type { Db } from '../client.ts';
import type { NotificationPreferences } from '../../domain/auth/preferences.ts';
import { userProfiles, users } from '../schema/index.ts';

export type UserRow = typeof users.$inferSelect;
export type ProfileRow = typeof userProfiles.$inferSelect;
export type UserWithProfile = UserRow & { profile: ProfileRow };

export interface NewUserRow {
  email: string;
  passwordHash: string;
  fullName: string;
  isAdmin: boolean;
  tier: Tier;
  apiKeyHash: string;
  apiKeyPrefix: string;
  notificationPreferences: NotificationPreferences;
  lastLoginIp: string | null;
}

/** What authentication needs to know about an active user. */
export interface PrincipalRow {
  tier: Tier;
  /** The per-user override of the tier's daily limit, or null. */
  dailyLimit: number | null;
  isAdmin: boolean;
}

/** Which users an administrator lists. */
export interface UserFilter {
  /** Part of the email or the full name, any case. */
  search?: string;
  isActive?: boolean;
  isAdmin?: boolean;
  tier?: Tier;
}

export class UserRepository {
  constructor(private readonly db: Db) {}

  /** Users with their profiles, newest first, for the admin API. */
  async list(filter: UserFilter, page: { offset: number; limit: number }): Promise<{ rows: UserWithProfile[]; count: number }> {
    const conditions: SQL[] = [];
    if (filter.search) {
      const pattern = `%${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      conditions.push(or(ilike(users.email, pattern), ilike(users.fullName, pattern))!);
    }
    if (filter.isActive !== undefined) conditions.push(eq(users.isActive, filter.isActive));
    if (filter.isAdmin !== undefined) conditions.push(eq(users.isAdmin, filter.isAdmin));
    if (filter.tier !== undefined) conditions.push(eq(userProfiles.tier, filter.tier));
    const where = conditions.length > 0 ? and(...conditions) : undefined;
    const [rows, [total]] = await Promise.all([
      this.db.select().from(users).innerJoin(userProfiles, eq(userProfiles.userId, users.id))
        .where(where).orderBy(desc(users.createdAt), users.id).limit(page.limit).offset(page.offset),
      this.db.select({ n: count() }).from(users).innerJoin(userProfiles, eq(userProfiles.userId, users.id)).where(where),
    ]);
    return { rows: rows.map((row) => ({ ...row.users, profile: row.user_profiles })), count: total?.n ?? 0 };
  }

  /** The user with its profile, locked until the transaction ends (an admin change reads, then writes). */
  async lockWithProfile(userId: string): Promise<UserWithProfile | null> {
    const [row] = await this.db.select().from(users)
      .innerJoin(userProfiles, eq(userProfiles.userId, users.id))
      .where(eq(users.id, userId)).limit(1).for('update');
    return row ? { ...row.users, profile: row.user_profiles } : null;
  }

  async idByEmail(email: string): Promise<string | null> {
    const [row] = await this.db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
    return row?.id ?? null;
  }

  async setActive(userId: string, isActive: boolean, at: Date): Promise<void> {
    await this.db.update(users).set({ isActive, updatedAt: at }).where(eq(users.id, userId));
  }

  async setAdmin(userId: string, isAdmin: boolean, at: Date): Promise<void> {
    await this.db.update(users).set({ isAdmin, updatedAt: at }).where(eq(users.id, userId));
  }

  async setTierOf(userId: string, tier: Tier, at: Date): Promise<void> {
    await this.db.update(userProfiles).set({ tier, updatedAt: at }).where(eq(userProfiles.userId, userId));
  }

  /**
   * Creates the user and its profile in one transaction; null when the email is taken
   * (ON CONFLICT DO NOTHING settles two registrations racing for one email: one gets no row).
   */
  async create(row: NewUserRow): Promise<UserWithProfile | null> {
    return this.db.transaction(async (tx) => {
      const [created] = await tx.insert(users)
        .values({ email: row.email, passwordHash: row.passwordHash, fullName: row.fullName, isAdmin: row.isAdmin })
        .onConflictDoNothing({ target: users.email })
        .returning();
      if (!created) return null;
      const [profile] = await tx.insert(userProfiles).values({
        userId: created.id, tier: row.tier, apiKeyHash: row.apiKeyHash, apiKeyPrefix: row.apiKeyPrefix,
        notificationPreferences: row.notificationPreferences, lastLoginIp: row.lastLoginIp,
      }).returning();
      return { ...created, profile: profile! };
    });
  }

  async byEmail(email: string): Promise<UserRow | null> {
    const [row] = await this.db.select().from(users).where(eq(users.email, email)).limit(1);
    return row ?? null;
  }

  async withProfile(userId: string): Promise<UserWithProfile | null> {
    const [row] = await this.db.select().from(users)
      .innerJoin(userProfiles, eq(userProfiles.userId, users.id))
      .where(eq(users.id, userId)).limit(1);
    return row ? { ...row.users, profile: row.user_profiles } : null;
  }

  async recordLogin(userId: string, at: Date, ip: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(users).set({ lastLogin: at }).where(eq(users.id, userId));
      await tx.update(userProfiles).set({ lastLoginIp: ip, updatedAt: at }).where(eq(userProfiles.userId, userId));
    });
  }

  async updateProfile(userId: string, at: Date, changes: { fullName?: string; avatarUrl?: string | null; notificationPreferences?: Partial<NotificationPreferences> }): Promise<void> {
    await this.db.transaction(async (tx) => {
      const userChanges: Partial<typeof users.$inferInsert> = {};
      if (changes.fullName !== undefined) userChanges.fullName = changes.fullName;
      if (changes.avatarUrl !== undefined) userChanges.avatarUrl = changes.avatarUrl;
      if (Object.keys(userChanges).length > 0) await tx.update(users).set({ ...userChanges, updatedAt: at }).where(eq(users.id, userId));
      if (changes.notificationPreferences) {
        // Merged in SQL so two concurrent PATCHes of different keys both stick.
        await tx.update(userProfiles).set({
          notificationPreferences: sql`${userProfiles.notificationPreferences} || ${JSON.stringify(changes.notificationPreferences)}::jsonb`,
          updatedAt: at,
        }).where(eq(userProfiles.userId, userId));
      }
    });
  }

  /** Puts a new API key in place; answers the old key's hash. */
  async replaceApiKey(userId: string, key: { hash: string; prefix: string }, at: Date): Promise<string | null> {
    return this.db.transaction(async (tx) => {
      const [old] = await tx.select({ hash: userProfiles.apiKeyHash }).from(userProfiles).where(eq(userProfiles.userId, userId)).for('update');
      await tx.update(userProfiles)
        .set({ apiKeyHash: key.hash, apiKeyPrefix: key.prefix, apiKeyCreatedAt: at, updatedAt: at })
        .where(eq(userProfiles.userId, userId));
      return old?.hash ?? null;
    });
  }

  /** Sets the tier of the user with this email; answers their id, or null when there is none. */
  async setTier(email: string, tier: Tier, at: Date): Promise<string | null> {
    const [user] = await this.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (!user) return null;
    await this.db.update(userProfiles).set({ tier, updatedAt: at }).where(eq(userProfiles.userId, user.id));
    return user.id;
  }

  /** Tier, limit and role of an active user; null when the user is gone or disabled. */
  async principal(userId: string): Promise<PrincipalRow | null> {
    const [row] = await this.db.select({ tier: userProfiles.tier, dailyLimit: userProfiles.dailyRequestLimit, isAdmin: users.isAdmin })
      .from(users)
      .innerJoin(userProfiles, eq(userProfiles.userId, users.id))
      .where(and(eq(users.id, userId), eq(users.isActive, true))).limit(1);
    return row ? { tier: row.tier as Tier, dailyLimit: row.dailyLimit, isAdmin: row.isAdmin } : null;
  }

  async userIdForApiKeyHash(hash: string): Promise<string | null> {
    const [row] = await this.db.select({ userId: userProfiles.userId }).from(userProfiles).where(eq(userProfiles.apiKeyHash, hash)).limit(1);
    return row?.userId ?? null;
  }

  async isActive(userId: string): Promise<boolean> {
    const [row] = await this.db.select({ isActive: users.isActive }).from(users).where(eq(users.id, userId));
    return row?.isActive === true;
  }
}
