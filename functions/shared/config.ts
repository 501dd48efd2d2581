// Runtime configuration: the only module that reads process.env (CONTRACT.md §1 plus AWS-only settings).

export interface HubConfig {
  port: number;
  host: string;
  adminToken: string | null;
  /** ARN of the Secrets Manager secret holding the admin token (AWS). */
  adminTokenSecretArn: string | null;
  dataDir: string;
  dynamodbEndpoint: string | null;
  region: string;
  tableName: string;
  sessionTtlSec: number;
  enableRateLimit: boolean;
  timezone: string;
  priceSourceUrl: string;
  logLevel: string;
  /** Days a request log is kept (TTL). */
  logRetentionDays: number;
  /** Upstream attempts per request, failover included. */
  maxAttempts: number;
  /** When set, the proxy only accepts requests carrying this value in `x-origin-verify` (CloudFront custom domain). */
  originVerifySecret: string | null;
  /** Failed logins / unknown client keys per source IP per minute before 429. */
  authFailuresPerMinute: number;
  /** Local price sync interval, ms (0 = off). */
  priceSyncIntervalMs: number;
  /**
   * Window in which settle writes to the same item are merged (ms). 0 on Lambda, where an instance
   * serves one request at a time and must write before the invocation returns.
   */
  writeCoalesceMs: number;
  /**
   * This process is the only writer of its table (npm start on the embedded store): limit state is
   * kept in memory and written behind (limits/state-backend.ts). Never on Lambda or a shared store.
   */
  singleWriter: boolean;
}

export const DEFAULT_PRICE_SOURCE_URL =
  'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json';

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a non-negative number, got "${value}"`);
  return Math.floor(n);
}

function boolFrom(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['false', '0', 'no', 'off'].includes(value.trim().toLowerCase());
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const timezone = env.HUB_TIMEZONE || 'UTC';
  if (!isValidTimeZone(timezone)) throw new ConfigError(`HUB_TIMEZONE "${timezone}" is not an IANA time zone`);
  const adminToken = env.ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('ADMIN_TOKEN must be at least 16 characters long; choose a longer random value');
  }
  return {
    port: intFrom(env.PORT, 23000, 'PORT'),
    host: env.HOST || '127.0.0.1',
    adminToken,
    adminTokenSecretArn: env.ADMIN_TOKEN_SECRET_ARN || null,
    dataDir: env.DATA_DIR || './data',
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT || null,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    tableName: env.TABLE_NAME || 'code-hub',
    sessionTtlSec: intFrom(env.SESSION_TTL, 300, 'SESSION_TTL'),
    enableRateLimit: boolFrom(env.ENABLE_RATE_LIMIT, true),
    timezone,
    priceSourceUrl: env.PRICE_SOURCE_URL || DEFAULT_PRICE_SOURCE_URL,
    logLevel: (env.LOG_LEVEL || 'info').toUpperCase(),
    logRetentionDays: intFrom(env.LOG_RETENTION_DAYS, 90, 'LOG_RETENTION_DAYS'),
    maxAttempts: Math.max(1, intFrom(env.MAX_ATTEMPTS, 3, 'MAX_ATTEMPTS')),
    originVerifySecret: env.ORIGIN_VERIFY_SECRET || null,
    authFailuresPerMinute: intFrom(env.AUTH_FAILURES_PER_MINUTE, 20, 'AUTH_FAILURES_PER_MINUTE'),
    priceSyncIntervalMs: intFrom(env.PRICE_SYNC_INTERVAL_MS, 24 * 3600 * 1000, 'PRICE_SYNC_INTERVAL_MS'),
    writeCoalesceMs: intFrom(env.WRITE_COALESCE_MS, env.AWS_LAMBDA_FUNCTION_NAME ? 0 : 200, 'WRITE_COALESCE_MS'),
    singleWriter: false,
  };
}
