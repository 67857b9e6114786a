// Users and their profiles: registration, credentials, profile updates, API keys, and the
// per-request principal (tier and limit) that auth and rate limiting need.
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { and, eq, sql } from 'drizzle-orm';
import type { Cache } from '../adapters/cache.ts';
import type { Config, Tier } from '../config.ts';
import type { Db } from '../db/client.ts';
import { userProfiles, users, type NotificationPreferences } from '../db/schema/index.ts';
import { normalizeEmail } from '../domain/auth/email.ts';
import { passwordProblems } from '../domain/auth/password-rules.ts';
import { badRequest, notFound } from '../errors.ts';
import { newApiKey, sha256 } from './secrets.ts';

export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = {
  emailAlerts: true,
  priceAlerts: true,
  newsDigest: false,
  predictionUpdates: false,
};

export interface Principal {
  userId: string;
  tier: Tier;
  dailyLimit: number;
  isAdmin: boolean;
}

export type UserWithProfile = typeof users.$inferSelect & { profile: typeof userProfiles.$inferSelect };

export interface NewUser {
  email: string;
  password: string;
  fullName?: string | null;
  tier?: Tier;
  isAdmin?: boolean;
  ip?: string | null;
}

export interface ProfileChanges {
  fullName?: string;
  avatarUrl?: string | null;
  notificationPreferences?: Partial<NotificationPreferences>;
}

// Cached so authenticated requests do not query the database for tier and limits.
const PRINCIPAL_TTL_SECONDS = 60;
const principalKey = (userId: string) => `principal:${userId}`;
const apiKeyKey = (hash: string) => `api-key:${hash}`;
const userKey = (userId: string) => `user:${userId}`;

/** A cached user comes back from Redis as JSON: its instants are strings again. */
function reviveDates(user: UserWithProfile): UserWithProfile {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    ...user,
    lastLogin: date(user.lastLogin),
    createdAt: date(user.createdAt)!,
    updatedAt: date(user.updatedAt)!,
    profile: { ...user.profile, apiKeyCreatedAt: date(user.profile.apiKeyCreatedAt)!, createdAt: date(user.profile.createdAt)!, updatedAt: date(user.profile.updatedAt)! },
  };
}

/** http(s) URLs only: an avatar is shown in an <img>, and `javascript:` must never get there. */
function avatarUrl(raw: string | null): string | null {
  if (raw === null || raw.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badRequest('Invalid avatar URL.', { avatarUrl: ['Enter a valid URL.'] });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest('Invalid avatar URL.', { avatarUrl: ['Enter an http or https URL.'] });
  // Normalising percent-encodes non-ASCII characters, which can make the URL longer.
  const normal = url.toString();
  if (normal.length > 500) throw badRequest('Invalid avatar URL.', { avatarUrl: ['Ensure this field has no more than 500 characters.'] });
  return normal;
}

const DUPLICATE_EMAIL = 'user with this email already exists.';

export class AccountService {
  // Verified against when the email is unknown, so a login takes as long either way.
  private readonly decoyHash: Promise<string>;

  constructor(private readonly db: Db, private readonly cache: Cache, private readonly config: Config) {
    this.decoyHash = argon2Hash('decoy password, never matches');
  }

  private email(raw: string): string {
    const email = normalizeEmail(raw);
    if (!email) throw badRequest('Invalid email.', { email: ['Enter a valid email address.'] });
    return email;
  }

  /** Creates the user and its profile in one transaction; returns the API key once. */
  async createUser(input: NewUser): Promise<{ user: UserWithProfile; apiKey: string }> {
    const email = this.email(input.email);
    const fullName = (input.fullName ?? '').trim();
    const problems = passwordProblems(input.password, { email, fullName });
    if (problems.length > 0) throw badRequest('Invalid password.', { password: problems });
    const passwordHash = await argon2Hash(input.password);
    const apiKey = newApiKey();
    // ON CONFLICT DO NOTHING settles two registrations racing for one email: one gets no row.
    const user = await this.db.transaction(async (tx) => {
      const [created] = await tx.insert(users)
        .values({ email, passwordHash, fullName, isAdmin: input.isAdmin ?? false })
        .onConflictDoNothing({ target: users.email })
        .returning();
      if (!created) throw badRequest('Invalid email.', { email: [DUPLICATE_EMAIL] });
      const [profile] = await tx.insert(userProfiles).values({
        userId: created.id,
        tier: input.tier ?? 'basic',
        apiKeyHash: apiKey.hash,
        apiKeyPrefix: apiKey.prefix,
        notificationPreferences: DEFAULT_NOTIFICATION_PREFERENCES,
        lastLoginIp: input.ip ?? null,
      }).returning();
      return { ...created, profile: profile! };
    });
    return { user, apiKey: apiKey.key };
  }

  /** The user for valid credentials; records the login time and IP. */
  async authenticate(rawEmail: string, password: string, ip: string | null): Promise<UserWithProfile> {
    const email = normalizeEmail(rawEmail);
    const [user] = email ? await this.db.select().from(users).where(eq(users.email, email)).limit(1) : [];
    const valid = await argon2Verify(user?.passwordHash ?? await this.decoyHash, password).catch(() => false);
    // 400, not 401, as the seed's LoginSerializer answers: the client treats any 401 as "log out".
    if (!user || !valid || !user.isActive) throw badRequest('Unable to log in with provided credentials.', { nonFieldErrors: ['Unable to log in with provided credentials.'] });
    const now = new Date();
    await this.db.update(users).set({ lastLogin: now }).where(eq(users.id, user.id));
    await this.db.update(userProfiles).set({ lastLoginIp: ip, updatedAt: now }).where(eq(userProfiles.userId, user.id));
    await this.forget(user.id);
    return this.get(user.id);
  }

  /** The user with its profile; cached, since every profile read would otherwise query. */
  async get(userId: string): Promise<UserWithProfile> {
    const cached = await this.cache.get<UserWithProfile>(userKey(userId));
    if (cached) return reviveDates(cached);
    const [row] = await this.db.select().from(users)
      .innerJoin(userProfiles, eq(userProfiles.userId, users.id))
      .where(eq(users.id, userId)).limit(1);
    if (!row) throw notFound('User not found.');
    const user = { ...row.users, profile: row.user_profiles };
    await this.cache.set(userKey(userId), user, PRINCIPAL_TTL_SECONDS);
    return user;
  }

  /** Drops what is cached about a user after a change, on every instance. */
  private async forget(userId: string): Promise<void> {
    await Promise.all([this.cache.delete(userKey(userId)), this.cache.delete(principalKey(userId))]);
  }

  async updateProfile(userId: string, changes: ProfileChanges): Promise<UserWithProfile> {
    const now = new Date();
    await this.db.transaction(async (tx) => {
      const userChanges: Partial<typeof users.$inferInsert> = {};
      if (changes.fullName !== undefined) userChanges.fullName = changes.fullName.trim();
      if (changes.avatarUrl !== undefined) userChanges.avatarUrl = avatarUrl(changes.avatarUrl);
      if (Object.keys(userChanges).length > 0) {
        await tx.update(users).set({ ...userChanges, updatedAt: now }).where(eq(users.id, userId));
      }
      if (changes.notificationPreferences) {
        // Merged in SQL so two concurrent PATCHes of different keys both stick.
        await tx.update(userProfiles).set({
          notificationPreferences: sql`${userProfiles.notificationPreferences} || ${JSON.stringify(changes.notificationPreferences)}::jsonb`,
          updatedAt: now,
        }).where(eq(userProfiles.userId, userId));
      }
    });
    await this.forget(userId);
    return this.get(userId);
  }

  async regenerateApiKey(userId: string): Promise<{ apiKey: string; prefix: string; createdAt: Date }> {
    const key = newApiKey();
    const createdAt = new Date();
    const [old] = await this.db.select({ hash: userProfiles.apiKeyHash }).from(userProfiles).where(eq(userProfiles.userId, userId));
    await this.db.update(userProfiles)
      .set({ apiKeyHash: key.hash, apiKeyPrefix: key.prefix, apiKeyCreatedAt: createdAt, updatedAt: createdAt })
      .where(eq(userProfiles.userId, userId));
    // The old key stops working at once, on every instance.
    if (old) await this.cache.delete(apiKeyKey(old.hash));
    await this.forget(userId);
    return { apiKey: key.key, prefix: key.prefix, createdAt };
  }

  async setTier(email: string, tier: Tier): Promise<void> {
    const [user] = await this.db.select({ id: users.id }).from(users).where(eq(users.email, this.email(email)));
    if (!user) throw notFound(`No user with email ${email}.`);
    await this.db.update(userProfiles).set({ tier, updatedAt: new Date() }).where(eq(userProfiles.userId, user.id));
    await this.forget(user.id);
  }

  /** Tier and limit of an active user, cached briefly; null when the user is gone or disabled. */
  async principal(userId: string): Promise<Principal | null> {
    const cached = await this.cache.get<Principal | false>(principalKey(userId));
    if (cached !== null) return cached || null;
    const [row] = await this.db.select({
      tier: userProfiles.tier, limit: userProfiles.dailyRequestLimit, isAdmin: users.isAdmin,
    }).from(users)
      .innerJoin(userProfiles, eq(userProfiles.userId, users.id))
      .where(and(eq(users.id, userId), eq(users.isActive, true))).limit(1);
    const principal: Principal | null = row
      ? { userId, tier: row.tier as Tier, dailyLimit: row.limit ?? this.config.rateLimits[row.tier as Tier], isAdmin: row.isAdmin }
      : null;
    await this.cache.set(principalKey(userId), principal ?? false, PRINCIPAL_TTL_SECONDS);
    return principal;
  }

  /** The user an API key belongs to, or null. */
  async userIdForApiKey(apiKey: string): Promise<string | null> {
    const hash = sha256(apiKey);
    const cached = await this.cache.get<string | false>(apiKeyKey(hash));
    if (cached !== null) return cached || null;
    const [row] = await this.db.select({ userId: userProfiles.userId }).from(userProfiles).where(eq(userProfiles.apiKeyHash, hash)).limit(1);
    await this.cache.set(apiKeyKey(hash), row?.userId ?? false, PRINCIPAL_TTL_SECONDS);
    return row?.userId ?? null;
  }
}

