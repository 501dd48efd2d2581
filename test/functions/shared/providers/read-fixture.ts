// Loads the recorded upstream responses under test/fixtures/ as raw bytes or parsed JSON.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url))));
}

export function fixtureText(path: string): string {
  return new TextDecoder().decode(fixtureBytes(path));
}

export function fixtureJson(path: string): unknown {
  return JSON.parse(fixtureText(path));
}

/** The bytes cut into chunks at the given offsets. */
export function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const bounds = [0, ...offsets, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

/** Every way of cutting the bytes in two, plus one chunk per byte. */
export function chunkings(bytes: Uint8Array): Uint8Array[][] {
  const cuts: Uint8Array[][] = [];
  for (let offset = 0; offset <= bytes.length; offset++) cuts.push(splitAt(bytes, offset));
  cuts.push(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  return cuts;
}

export function withLineEndings(text: string, ending: '\r\n' | '\r'): Uint8Array {
  return new TextEncoder().encode(text.replace(/\n/g, ending));
}
