// V8 heap settings for the long-running local gateway (`npm start`): grow the old generation by a
// fixed factor over what survived the last full collection instead of V8's up-to-4x.
import { setFlagsFromString } from 'node:v8';

/**
 * Old generation may grow to 1.5x of what survived the last full collection before the next one.
 * V8's own factor goes up to 4x on a machine with much memory: the gateway keeps ~25 MB alive and
 * promotes request garbage (requests outlive a few scavenges under load), so its old space reached
 * ~100 MB between full collections. Full collections of a 25 MB heap are short (mostly concurrent).
 */
export const HEAP_GROWING_PERCENT = 50;

const FLAG = 'heap-growing-percent';

/**
 * Applies HEAP_GROWING_PERCENT unless the process was started with its own --heap-growing-percent.
 * V8 reads the flag at every full collection, so setting it after start takes effect.
 */
export function tuneHeapGrowth(execArgv: readonly string[] = process.execArgv, set = setFlagsFromString): boolean {
  if (execArgv.some((a) => a.replace(/_/g, '-').startsWith(`--${FLAG}`))) return false;
  set(`--${FLAG}=${HEAP_GROWING_PERCENT}`);
  return true;
}
