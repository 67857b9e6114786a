// cleanup_old_data: bars past retention archived and deleted, expired refresh tokens dropped.
import type { RetentionService } from '../services/retention.ts';
import type { JobHandler } from './runner.ts';

export function cleanupOldData(retention: RetentionService): JobHandler {
  return (run) => retention.run(run.log);
}
