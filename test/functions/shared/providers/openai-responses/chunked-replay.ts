// Test helper: replays recorded bytes through a TransformStream in seeded random-size chunks.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));

export function fixtureText(path: string): string {
  return readFileSync(FIXTURES + path, 'utf8');
}

export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + path));
}

/** mulberry32: a tiny deterministic PRNG, so a failing split can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits bytes at random points (chunks of 1..maxChunk bytes), cutting through lines and UTF-8 sequences alike. */
export function splitRandomly(bytes: Uint8Array, seed: number, maxChunk: number): Uint8Array[] {
  const random = seededRandom(seed);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** Every (seed, maxChunk) pair the golden tests replay each fixture with. */
export const SPLITS: ReadonlyArray<{ seed: number; maxChunk: number }> = [
  { seed: 1, maxChunk: 1 },
  { seed: 2, maxChunk: 5 },
  { seed: 3, maxChunk: 17 },
  { seed: 4, maxChunk: 64 },
  { seed: 5, maxChunk: 300 },
  { seed: 6, maxChunk: 1_000_000 },
];

/** Pushes the chunks through the stream and returns every output chunk. */
export async function runThrough(stream: TransformStream<Uint8Array, Uint8Array>, chunks: Uint8Array[]): Promise<Uint8Array[]> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const output: Uint8Array[] = [];
  const reader = source.pipeThrough(stream).getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) output.push(read.value);
  return output;
}

export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (chunks: Uint8Array[]): string => new TextDecoder().decode(concatBytes(chunks));
