// The admin API's users: list and search, change a tier or the admin role, deactivate and
// reactivate, revoke sessions and the API key. Each change and its audit row commit together;
// then every instance is told (the shared caches, this process's memo, and the user's bus channel,
// on which every API instance closes the user's WebSockets).
import type { Bus } from '../../adapters/bus.ts';
import type { AuditRepository } from '../../db/repositories/audit.ts';
import type { UserFilter, UserRepository, UserWithProfile } from '../../db/repositories/users.ts';
import { normalizeEmail } from '../../domain/auth/email.ts';
import type { Tier } from '../../domain/auth/tier.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import type { Clock } from '../../domain/time.ts';
import type { AccountService } from '../accounts.ts';
import { SESSIONS_ENDED, userChannel } from '../alerts/channel.ts';
import { newApiKey } from '../secrets.ts';
import type { TokenService } from '../tokens.ts';
import { auditEntry, type Actor } from './audit.ts';

export type { UserFilter };

/** What the audit log keeps of a user before and after a change. */
function stateOf(user: UserWithProfile) {
  return { email: user.email, tier: user.profile.tier, isActive: user.isActive, isAdmin: user.isAdmin, apiKeyPrefix: user.profile.apiKeyPrefix };
}

export class UserAdmin {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
    private readonly accounts: AccountService,
    private readonly tokens: TokenService,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  list(filter: UserFilter, page: { offset: number; limit: number }): Promise<{ rows: UserWithProfile[]; count: number }> {
    return this.users.list(filter, page);
  }

  async get(userId: string): Promise<UserWithProfile> {
    const user = await this.users.withProfile(userId);
    if (!user) throw notFound('User not found.');
    return user;
  }

  /** Locks the user in the transaction, or 404. */
  private async locked(users: UserRepository, userId: string): Promise<UserWithProfile> {
    const user = await users.lockWithProfile(userId);
    if (!user) throw notFound('User not found.');
    return user;
  }

  async setTier(actor: Actor, userId: string, tier: Tier): Promise<UserWithProfile> {
    const after = await this.audit.transaction(async (scope) => {
      const before = await this.locked(scope.users, userId);
      await scope.users.setTierOf(userId, tier, this.clock.now());
      const after = (await scope.users.withProfile(userId))!;
      await scope.audit.append(auditEntry(actor, 'user.tier', { type: 'user', id: userId }, stateOf(before), stateOf(after)));
      return after;
    });
    await this.accounts.changed(userId);
    return after;
  }

  /** Deactivates the user and ends every session of theirs; their API key stops working with them. */
  async deactivate(actor: Actor, userId: string): Promise<UserWithProfile> {
    if (actor.userId === userId) throw invalid('You cannot deactivate your own account.', { id: ['Ask another administrator.'] });
    const { after, ended } = await this.audit.transaction(async (scope) => {
      const before = await this.locked(scope.users, userId);
      const at = this.clock.now();
      await scope.users.setActive(userId, false, at);
      const ended = await scope.sessions.revokeAllOf(userId, at);
      const after = (await scope.users.withProfile(userId))!;
      await scope.audit.append(auditEntry(actor, 'user.deactivate', { type: 'user', id: userId }, stateOf(before), { ...stateOf(after), sessionsEnded: ended.length }));
      return { after, ended };
    });
    await this.tell(userId, ended, () => this.accounts.disabled(userId));
    return after;
  }

  async reactivate(actor: Actor, userId: string): Promise<UserWithProfile> {
    const after = await this.audit.transaction(async (scope) => {
      const before = await this.locked(scope.users, userId);
      await scope.users.setActive(userId, true, this.clock.now());
      const after = (await scope.users.withProfile(userId))!;
      await scope.audit.append(auditEntry(actor, 'user.reactivate', { type: 'user', id: userId }, stateOf(before), stateOf(after)));
      return after;
    });
    await this.accounts.changed(userId);
    return after;
  }

  /** Ends every session of the user (they log in again); answers how many were open. */
  async revokeSessions(actor: Actor, userId: string): Promise<number> {
    const ended = await this.audit.transaction(async (scope) => {
      const user = await this.locked(scope.users, userId);
      const ended = await scope.sessions.revokeAllOf(userId, this.clock.now());
      await scope.audit.append(auditEntry(actor, 'user.revoke_sessions', { type: 'user', id: userId }, stateOf(user), { ...stateOf(user), sessionsEnded: ended.length }));
      return ended;
    });
    await this.tell(userId, ended, async () => {});
    return ended.length;
  }

  /** Replaces the user's API key with one nobody knows: the old one stops at once; they make a new one themselves. */
  async revokeApiKey(actor: Actor, userId: string): Promise<UserWithProfile> {
    const { after, oldHash } = await this.audit.transaction(async (scope) => {
      const before = await this.locked(scope.users, userId);
      const oldHash = await scope.users.replaceApiKey(userId, newApiKey(), this.clock.now());
      const after = (await scope.users.withProfile(userId))!;
      await scope.audit.append(auditEntry(actor, 'user.revoke_api_key', { type: 'user', id: userId }, stateOf(before), stateOf(after)));
      return { after, oldHash };
    });
    if (oldHash) await this.accounts.apiKeyRevoked(oldHash);
    await this.accounts.changed(userId);
    return after;
  }

  /** Grants or takes away the admin role (`stockmind user promote|demote EMAIL`, or an admin). */
  async setAdmin(actor: Actor | null, rawEmail: string, isAdmin: boolean): Promise<UserWithProfile> {
    const email = normalizeEmail(rawEmail);
    const userId = email ? await this.users.idByEmail(email) : null;
    if (!userId) throw notFound(`No user with email ${rawEmail}.`);
    const after = await this.audit.transaction(async (scope) => {
      const before = await this.locked(scope.users, userId);
      await scope.users.setAdmin(userId, isAdmin, this.clock.now());
      const after = (await scope.users.withProfile(userId))!;
      await scope.audit.append(auditEntry(actor, isAdmin ? 'user.promote' : 'user.demote', { type: 'user', id: userId }, stateOf(before), stateOf(after)));
      return after;
    });
    await this.accounts.changed(userId);
    return after;
  }

  /** After the commit: sessions refused everywhere, the user's sockets closed on every instance. */
  private async tell(userId: string, ended: readonly string[], more: () => Promise<void>): Promise<void> {
    await Promise.all([this.tokens.sessionsEnded(ended), more()]);
    await this.bus.publish(userChannel(userId), { type: SESSIONS_ENDED });
  }
}
