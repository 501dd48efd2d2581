// What the proxy needs from the limits and statistics services (structural types, so the real
// implementations in functions/shared/limits and functions/shared/stats plug in directly).
import type { ApiKey, ProviderWithSecret, RequestLog, User } from '../shared/types.js';

export interface AdmissionRequest {
  key: ApiKey;
  user: User;
  sessionId: string;
  requestId: string;
  estimateNanos: number;
}

export interface AdmissionTicket {
  requestId: string;
  sessionId: string;
  keyId: string;
  userId: string;
  reservedNanos: number;
  enforced: boolean;
}

export interface LimiterPort {
  admit(req: AdmissionRequest): Promise<AdmissionTicket>;
  providersOverLimit(providers: ProviderWithSecret[], sessionId: string): Promise<Map<string, string>>;
  settle(ticket: AdmissionTicket, outcome: { costNanos: number | null; providerId: string | null; nowMs: number }): Promise<void>;
}

export interface StatsPort {
  record(log: RequestLog, costNanos: number | null): Promise<void>;
}
