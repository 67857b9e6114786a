import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import type { NotificationPreferences } from '../../domain/auth/preferences.ts';
import { createdAt, instant, updatedAt } from './columns.ts';

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  // Stored lower-cased: email is the login, so it is unique regardless of case.
  email: varchar('email', { length: 254 }).notNull(),
  passwordHash: text('password_hash').notNull(),
  fullName: varchar('full_name', { length: 150 }).notNull().default(''),
  avatarUrl: varchar('avatar_url', { length: 500 }),
  isEmailVerified: boolean('is_email_verified').notNull().default(false),
  isActive: boolean('is_active').notNull().default(true),
  isAdmin: boolean('is_admin').notNull().default(false),
  lastLogin: instant('last_login'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('users_email_key').on(t.email)]);

export const userProfiles = pgTable('user_profiles', {
  userId: uuid('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  tier: varchar('tier', { length: 16 }).notNull().default('basic'),
  // Only a hash of the key is kept; the prefix lets the owner recognise it.
  apiKeyHash: varchar('api_key_hash', { length: 64 }).notNull(),
  apiKeyPrefix: varchar('api_key_prefix', { length: 16 }).notNull(),
  apiKeyCreatedAt: instant('api_key_created_at').notNull().defaultNow(),
  // A per-user override of the tier's daily limit; null means the tier's.
  dailyRequestLimit: integer('daily_request_limit'),
  notificationPreferences: jsonb('notification_preferences').$type<NotificationPreferences>().notNull(),
  lastLoginIp: varchar('last_login_ip', { length: 45 }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('user_profiles_api_key_hash_key').on(t.apiKeyHash),
  check('user_profiles_tier_check', sql`${t.tier} in ('basic', 'premium', 'pro')`),
  check('user_profiles_daily_request_limit_check', sql`${t.dailyRequestLimit} is null or ${t.dailyRequestLimit} > 0`),
]);

// One row per issued refresh token. A family is one login session: each rotation adds a
// row to it, and replaying a rotated token revokes the whole family.
export const refreshTokens = pgTable('refresh_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  familyId: uuid('family_id').notNull(),
  tokenHash: varchar('token_hash', { length: 64 }).notNull(),
  expiresAt: instant('expires_at').notNull(),
  rotatedAt: instant('rotated_at'),
  revokedAt: instant('revoked_at'),
  createdIp: varchar('created_ip', { length: 45 }),
  userAgent: varchar('user_agent', { length: 300 }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('refresh_tokens_token_hash_key').on(t.tokenHash),
  index('refresh_tokens_family_idx').on(t.familyId),
  index('refresh_tokens_user_idx').on(t.userId),
]);
