// What the proxy needs from the limits and statistics services: the parts of their interfaces it
// calls, so tests can pass a recording double while production passes the real services.
import type { Limiter } from '../shared/limits/limiter.js';
import type { RequestLog } from '../shared/types.js';

export type { AdmissionRequest, AdmissionTicket } from '../shared/limits/limiter.js';

export type LimiterPort = Pick<Limiter, 'admit' | 'providersOverLimit' | 'settle'>;

export interface StatsPort {
  record(log: RequestLog, costNanos: number | null): Promise<void>;
}
