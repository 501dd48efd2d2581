// Identifier and secret generation.
import { createHash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/** A short random id with a type prefix, e.g. `usr_3kq9...`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

/**
 * A request id that carries its start time (base36 ms + random suffix), so the log item's key can
 * be derived from the id alone (`timeOfRequestId`) without a pointer item.
 */
export function newRequestId(nowMs = Date.now()): string {
  const at = takeRandom(REQUEST_ID_RANDOM_BYTES);
  return `req_${nowMs.toString(36).padStart(9, '0')}${randomPool.toString('base64url', at, at + REQUEST_ID_RANDOM_BYTES)}`;
}

const REQUEST_ID_RANDOM_BYTES = 8;
// One call into the CSPRNG per 512 request ids instead of one per id (as crypto.randomUUID pools
// its bytes); every byte is handed out once, so ids stay as unpredictable and as unique.
const randomPool = Buffer.allocUnsafeSlow(4096);
let randomPoolOffset = randomPool.length;

/** The offset of `n` fresh random bytes in `randomPool`, valid until the next call. */
function takeRandom(n: number): number {
  if (randomPoolOffset + n > randomPool.length) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  const at = randomPoolOffset;
  randomPoolOffset += n;
  return at;
}

/** The start time encoded in a request id, or null when the id is not one of ours. */
export function timeOfRequestId(id: string): number | null {
  const m = /^req_([0-9a-z]{9})[A-Za-z0-9_-]{11}$/.exec(id);
  if (!m) return null;
  const ms = parseInt(m[1]!, 36);
  return Number.isFinite(ms) ? ms : null;
}

/** A client key secret: `sk-` + 40 URL-safe characters (240 bits). */
export function newClientSecret(): string {
  return `sk-${randomBytes(30).toString('base64url')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time string comparison (compares digests so lengths never leak). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

export const CLIENT_KEY_PATTERN = /^sk-[A-Za-z0-9_-]{32,}$/;
