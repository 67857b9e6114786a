import { bigserial, index, jsonb, pgTable, uuid, varchar } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

// Every administrative change (admin API, `stockmind user promote|demote`): who did what to which
// target, when, and the target's state before and after. Append-only: rows are never updated or
// deleted (a trigger refuses it), and they keep no foreign keys, so deleting a user leaves the
// record of what was done to them and by them.
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: instant('at').notNull().defaultNow(),
  /** The administrator; null for the command line (`stockmind user promote`). */
  actorId: uuid('actor_id'),
  /** The administrator's email at the time, so the record reads the same after they change it. */
  actorEmail: varchar('actor_email', { length: 254 }),
  /** What was done: `user.tier`, `user.deactivate`, `stock.add`, `job.retry`... */
  action: varchar('action', { length: 64 }).notNull(),
  targetType: varchar('target_type', { length: 32 }).notNull(),
  targetId: varchar('target_id', { length: 128 }).notNull(),
  before: jsonb('before'),
  after: jsonb('after'),
  /** The HTTP request that made the change (X-Request-Id), or null from the command line. */
  requestId: varchar('request_id', { length: 64 }),
}, (t) => [
  index('audit_log_at_idx').on(t.at),
  index('audit_log_target_idx').on(t.targetType, t.targetId),
  index('audit_log_actor_idx').on(t.actorId),
]);
