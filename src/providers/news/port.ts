// What the news services see of the news providers.
import type { CallPolicy } from '../outside-call.ts';

export interface CallOverrides {
  /** A tighter budget when a person is waiting on the answer (the default suits the scheduled job). */
  policy?: CallPolicy;
  signal?: AbortSignal;
}

export type ProviderLog = { warn(obj: object, msg: string): void };
