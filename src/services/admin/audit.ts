// Who did what as an administrator: every admin action leaves one audit row, written in the same
// transaction as the change where there is one (users, stocks), right after it otherwise (jobs).
import type { AuditEntry, AuditFilter, AuditRepository, AuditRow } from '../../db/repositories/audit.ts';

export type { AuditFilter, AuditRow };

/** The administrator acting (null: the command line, e.g. `stockmind user promote`). */
export interface Actor {
  userId: string;
  email: string;
  /** The HTTP request that asked for it. */
  requestId: string | null;
}

export interface AuditTarget {
  type: 'user' | 'stock' | 'job';
  id: string;
}

export function auditEntry(actor: Actor | null, action: string, target: AuditTarget, before: unknown, after: unknown): AuditEntry {
  return {
    actorId: actor?.userId ?? null, actorEmail: actor?.email ?? null, requestId: actor?.requestId ?? null,
    action, targetType: target.type, targetId: target.id, before, after,
  };
}

export class AuditTrail {
  constructor(private readonly audit: AuditRepository) {}

  /** The log, newest first. */
  list(filter: AuditFilter, page: { offset: number; limit: number }): Promise<{ rows: AuditRow[]; count: number }> {
    return this.audit.list(filter, page);
  }

  /** Records an action that changed nothing in the database (a job run asked for). */
  async record(actor: Actor | null, action: string, target: AuditTarget, before: unknown, after: unknown): Promise<AuditRow> {
    return this.audit.append(auditEntry(actor, action, target, before, after));
  }
}
