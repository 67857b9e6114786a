// Users and their profiles: registration, credentials, profile updates, API keys, and the
// per-request principal (tier and limit) that auth and rate limiting need.
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Cache } from '../adapters/cache.ts';
import type { LocalMemo } from '../adapters/memo.ts';
import { DEFAULT_NOTIFICATION_PREFERENCES, type NotificationPreferences } from '../domain/auth/preferences.ts';
import type { UserRepository, UserWithProfile } from '../db/repositories/users.ts';
import { normalizeEmail } from '../domain/auth/email.ts';
import { passwordProblems } from '../domain/auth/password-rules.ts';
import type { Tier } from '../domain/auth/tier.ts';
import { invalid, notFound } from '../domain/errors.ts';
import type { Clock } from '../domain/time.ts';
import { newApiKey, sha256 } from './secrets.ts';

export type { UserWithProfile };

export interface Principal {
  userId: string;
  tier: Tier;
  dailyLimit: number;
  isAdmin: boolean;
}

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

/** Daily request limits per tier (config.rateLimits). */
export type TierLimits = Record<Tier, number>;

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
    throw invalid('Invalid avatar URL.', { avatarUrl: ['Enter a valid URL.'] });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('Invalid avatar URL.', { avatarUrl: ['Enter an http or https URL.'] });
  // Normalising percent-encodes non-ASCII characters, which can make the URL longer.
  const normal = url.toString();
  if (normal.length > 500) throw invalid('Invalid avatar URL.', { avatarUrl: ['Ensure this field has no more than 500 characters.'] });
  return normal;
}

const DUPLICATE_EMAIL = 'user with this email already exists.';
/** When a refusal is written to the caches again: a request that read "allowed" just before the change may have written it back. */
const REPIN_MS = 2_000;

export class AccountService {
  // Verified against when the email is unknown, so a login takes as long either way.
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly users: UserRepository,
    private readonly cache: Cache,
    private readonly limits: TierLimits,
    private readonly clock: Clock,
    /** Embedded only: what authenticated requests read, as objects in this process (see LocalMemo). */
    private readonly memo: LocalMemo | null = null,
  ) {
    this.decoyHash = argon2Hash('decoy password, never matches');
  }

  private email(raw: string): string {
    const email = normalizeEmail(raw);
    if (!email) throw invalid('Invalid email.', { email: ['Enter a valid email address.'] });
    return email;
  }

  /** Creates the user and its profile in one transaction; returns the API key once. */
  async createUser(input: NewUser): Promise<{ user: UserWithProfile; apiKey: string }> {
    const email = this.email(input.email);
    const fullName = (input.fullName ?? '').trim();
    const problems = passwordProblems(input.password, { email, fullName });
    if (problems.length > 0) throw invalid('Invalid password.', { password: problems });
    const passwordHash = await argon2Hash(input.password);
    const apiKey = newApiKey();
    const user = await this.users.create({
      email, passwordHash, fullName, isAdmin: input.isAdmin ?? false, tier: input.tier ?? 'basic',
      apiKeyHash: apiKey.hash, apiKeyPrefix: apiKey.prefix,
      notificationPreferences: DEFAULT_NOTIFICATION_PREFERENCES, lastLoginIp: input.ip ?? null,
    });
    if (!user) throw invalid(`An account with the email ${email} already exists.`, { email: [DUPLICATE_EMAIL] });
    return { user, apiKey: apiKey.key };
  }

  /** The user for valid credentials; records the login time and IP. */
  async authenticate(rawEmail: string, password: string, ip: string | null): Promise<UserWithProfile> {
    const email = normalizeEmail(rawEmail);
    const user = email ? await this.users.byEmail(email) : null;
    const valid = await argon2Verify(user?.passwordHash ?? await this.decoyHash, password).catch(() => false);
    // 400, not 401, as the seed's LoginSerializer answers: the client treats any 401 as "log out".
    if (!user || !valid || !user.isActive) throw invalid('Unable to log in with provided credentials.', { nonFieldErrors: ['Unable to log in with provided credentials.'] });
    await this.users.recordLogin(user.id, this.clock.now(), ip);
    await this.forget(user.id);
    return this.get(user.id);
  }

  /** The user with its profile, when this process has it at hand (embedded); undefined otherwise. */
  userNow(userId: string): UserWithProfile | undefined {
    return this.memo?.get<UserWithProfile>(userKey(userId));
  }

  /** The user with its profile; cached, since every profile read would otherwise query. */
  async get(userId: string): Promise<UserWithProfile> {
    const memoised = this.userNow(userId);
    if (memoised) return memoised;
    const cached = await this.cache.get<UserWithProfile>(userKey(userId));
    let user = cached ? reviveDates(cached) : null;
    if (!user) {
      user = await this.users.withProfile(userId);
      if (!user) throw notFound('User not found.');
      await this.cache.set(userKey(userId), user, PRINCIPAL_TTL_SECONDS);
    }
    this.memo?.add(userKey(userId), Object.freeze(user), PRINCIPAL_TTL_SECONDS);
    return user;
  }

  /** Drops what is cached about a user after a change, on every instance. */
  private async forget(userId: string): Promise<void> {
    this.memo?.delete(userKey(userId));
    this.memo?.delete(principalKey(userId));
    await Promise.all([this.cache.delete(userKey(userId)), this.cache.delete(principalKey(userId))]);
  }

  async updateProfile(userId: string, changes: ProfileChanges): Promise<UserWithProfile> {
    await this.users.updateProfile(userId, this.clock.now(), {
      fullName: changes.fullName?.trim(),
      avatarUrl: changes.avatarUrl === undefined ? undefined : avatarUrl(changes.avatarUrl),
      notificationPreferences: changes.notificationPreferences,
    });
    await this.forget(userId);
    return this.get(userId);
  }

  async regenerateApiKey(userId: string): Promise<{ apiKey: string; prefix: string; createdAt: Date }> {
    const key = newApiKey();
    const createdAt = this.clock.now();
    const oldHash = await this.users.replaceApiKey(userId, key, createdAt);
    // The old key stops working at once, on every instance.
    if (oldHash) {
      this.memo?.delete(apiKeyKey(oldHash));
      await this.cache.delete(apiKeyKey(oldHash));
    }
    await this.forget(userId);
    return { apiKey: key.key, prefix: key.prefix, createdAt };
  }

  async setTier(email: string, tier: Tier): Promise<void> {
    const userId = await this.users.setTier(this.email(email), tier, this.clock.now());
    if (!userId) throw notFound(`No user with email ${email}.`);
    await this.forget(userId);
  }

  /** After an administrator changed the user (tier, role, reactivation): every instance reads them again. */
  async changed(userId: string): Promise<void> {
    await this.forget(userId);
  }

  /**
   * The user was deactivated: their tokens and API key are refused at once, on every instance
   * (the principal every request reads is pinned to "none" in the shared cache and this process's memo).
   */
  async disabled(userId: string): Promise<void> {
    const pin = async () => {
      this.memo?.delete(userKey(userId));
      this.memo?.set(principalKey(userId), false, PRINCIPAL_TTL_SECONDS);
      await Promise.all([this.cache.delete(userKey(userId)), this.cache.set(principalKey(userId), false, PRINCIPAL_TTL_SECONDS)]);
    };
    await pin();
    setTimeout(() => {
      this.users.isActive(userId).then((active) => (active ? undefined : pin())).catch(() => undefined);
    }, REPIN_MS).unref();
  }

  /** An API key was replaced: its old hash opens nothing from now on, on every instance. */
  async apiKeyRevoked(oldHash: string): Promise<void> {
    const pin = async () => {
      this.memo?.set(apiKeyKey(oldHash), false, PRINCIPAL_TTL_SECONDS);
      await this.cache.set(apiKeyKey(oldHash), false, PRINCIPAL_TTL_SECONDS);
    };
    await pin();
    setTimeout(() => { pin().catch(() => undefined); }, REPIN_MS).unref();
  }

  /** An active user's tier and limit when this process has them at hand (null: gone or disabled); undefined otherwise. */
  principalNow(userId: string): Principal | null | undefined {
    const memoised = this.memo?.get<Principal | false>(principalKey(userId));
    return memoised === undefined ? undefined : memoised || null;
  }

  /** Tier and limit of an active user, cached briefly; null when the user is gone or disabled. */
  async principal(userId: string): Promise<Principal | null> {
    const memoised = this.principalNow(userId);
    if (memoised !== undefined) return memoised;
    const cached = await this.cache.get<Principal | false>(principalKey(userId));
    let principal: Principal | null;
    if (cached !== null) {
      principal = cached || null;
    } else {
      const row = await this.users.principal(userId);
      principal = row ? { userId, tier: row.tier, dailyLimit: row.dailyLimit ?? this.limits[row.tier], isAdmin: row.isAdmin } : null;
      await this.cache.set(principalKey(userId), principal ?? false, PRINCIPAL_TTL_SECONDS);
    }
    this.memo?.add(principalKey(userId), principal ? Object.freeze(principal) : false, PRINCIPAL_TTL_SECONDS);
    return principal;
  }

  /** The user an API key belongs to when this process has it at hand (null: no one's); undefined otherwise. */
  userIdForApiKeyNow(apiKey: string): string | null | undefined {
    if (!this.memo) return undefined;
    const memoised = this.memo.get<string | false>(apiKeyKey(sha256(apiKey)));
    return memoised === undefined ? undefined : memoised || null;
  }

  /** The user an API key belongs to, or null. */
  async userIdForApiKey(apiKey: string): Promise<string | null> {
    const hash = sha256(apiKey);
    const cached = await this.cache.get<string | false>(apiKeyKey(hash));
    let userId: string | null;
    if (cached !== null) {
      userId = cached || null;
    } else {
      userId = await this.users.userIdForApiKeyHash(hash);
      await this.cache.set(apiKeyKey(hash), userId ?? false, PRINCIPAL_TTL_SECONDS);
    }
    this.memo?.add(apiKeyKey(hash), userId ?? false, PRINCIPAL_TTL_SECONDS);
    return userId;
  }
}
