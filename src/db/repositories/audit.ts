// The audit log: appended to, read, never changed (the table refuses UPDATE and DELETE), and the
// unit of work an admin change runs in, so the change and its audit row commit together.
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { auditLog } from '../schema/index.ts';
import { SessionRepository } from './sessions.ts';
import { StockRepository } from './stocks.ts';
import { UserRepository } from './users.ts';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditEntry {
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
}

/** The repositories an admin change uses, bound to one transaction. */
export interface AdminScope {
  users: UserRepository;
  sessions: SessionRepository;
  stocks: StockRepository;
  audit: AuditRepository;
}

export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Runs `work` in one transaction with the repositories it needs bound to it. */
  transaction<T>(work: (scope: AdminScope) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work({
      users: new UserRepository(tx), sessions: new SessionRepository(tx), stocks: new StockRepository(tx), audit: new AuditRepository(tx),
    }));
  }

  async append(entry: AuditEntry): Promise<AuditRow> {
    const [row] = await this.db.insert(auditLog).values({
      actorId: entry.actorId, actorEmail: entry.actorEmail, action: entry.action, targetType: entry.targetType,
      targetId: entry.targetId, before: entry.before ?? null, after: entry.after ?? null, requestId: entry.requestId,
    }).returning();
    return row!;
  }

  /** Newest first. */
  async list(filter: AuditFilter, page: { offset: number; limit: number }): Promise<{ rows: AuditRow[]; count: number }> {
    const conditions: SQL[] = [];
    if (filter.action) conditions.push(eq(auditLog.action, filter.action));
    if (filter.actorId) conditions.push(eq(auditLog.actorId, filter.actorId));
    if (filter.targetType) conditions.push(eq(auditLog.targetType, filter.targetType));
    if (filter.targetId) conditions.push(eq(auditLog.targetId, filter.targetId));
    const where = conditions.length > 0 ? and(...conditions) : undefined;
    const [rows, [total]] = await Promise.all([
      this.db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(page.limit).offset(page.offset),
      this.db.select({ n: count() }).from(auditLog).where(where),
    ]);
    return { rows, count: total?.n ?? 0 };
  }
}
