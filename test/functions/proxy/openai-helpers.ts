// Shared pieces of the OpenAI endpoint tests: a testbed with OpenAI prices, the SDK client, fixtures.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { expect } from 'vitest';
import type { ProviderInput } from '../../../functions/shared/db/repos/providers.js';
import type { Price } from '../../../functions/shared/types.js';
import type { UpstreamHandler } from '../../support/fake-upstream.js';
import { SONNET_PRICE, startProxyTestbed, type ProxyTestbed } from '../../support/proxy-testbed.js';

const here = dirname(fileURLToPath(import.meta.url));
export const sharedClients = resolve(here, '../../../../shared/fixtures/clients');

export function fixture(path: string): string {
  return readFileSync(resolve(here, '../../fixtures', path), 'utf8');
}

/** The `response` object of a recorded Responses stream's terminal event: what the same request answers without streaming. */
export function finalResponse(sseFixture: string): Record<string, unknown> {
  const events = fixture(sseFixture).split('\n\n').filter((event) => event.includes('data: '));
  return JSON.parse(events[events.length - 1].split('data: ')[1]).response as Record<string, unknown>;
}

function priceOf(model: string, input: number, output: number, cacheRead: number): Price {
  return {
    ...SONNET_PRICE,
    model,
    inputPerMTokUsd: input,
    outputPerMTokUsd: output,
    cacheWrite5mPerMTokUsd: null,
    cacheWrite1hPerMTokUsd: null,
    cacheReadPerMTokUsd: cacheRead,
    inputAbove200kPerMTokUsd: null,
    outputAbove200kPerMTokUsd: null,
    cacheWrite5mAbove200kPerMTokUsd: null,
    cacheReadAbove200kPerMTokUsd: null,
    version: 'sha-openai-test',
  };
}

export const GPT41 = 'gpt-4.1';
export const CODEX = 'gpt-5-codex';

export const OPENAI_COMPATIBLE: Partial<ProviderInput> = {
  name: 'openai-main',
  type: 'openai-compatible',
  apiKey: 'sk-openai-upstream-0001',
};

export const CODEX_PROVIDER: Partial<ProviderInput> = {
  name: 'codex-main',
  type: 'codex',
  apiKey: 'sk-codex-upstream-0001',
};

/** A testbed with one provider of the given kind and prices for the test models (set before any request reads them). */
export async function startOpenAiBed(
  provider: Partial<ProviderInput> | null,
  options: Parameters<typeof startProxyTestbed>[0] = {},
): Promise<ProxyTestbed> {
  const bed = await startProxyTestbed({ ...options, provider });
  await bed.services.prices.put(priceOf(GPT41, 2, 8, 0.5));
  await bed.services.prices.put(priceOf(CODEX, 1.25, 10, 0.125));
  await bed.services.prices.put(priceOf('gpt-fake', 1.25, 10, 0.125));
  return bed;
}

export function sdk(bed: ProxyTestbed, apiKey = bed.secret): OpenAI {
  return new OpenAI({ baseURL: `${bed.url}/v1`, apiKey, maxRetries: 0 });
}

export async function post(bed: ProxyTestbed, path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${bed.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bed.secret}`, ...headers },
    body,
  });
}

export async function logOf(bed: ProxyTestbed, requestId: string | null) {
  expect(requestId).toMatch(/^req_/);
  await bed.deps.settle.drain(5000);
  const log = await bed.services.logs.get(requestId!);
  expect(log).toBeTruthy();
  return log!;
}

/** Splits a text into chunks of irregular sizes, cutting through lines and multi-byte characters. */
export function irregularChunks(text: string): Buffer[] {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0, n = 7; i < bytes.length; i += n, n = ((n * 7) % 61) + 5) chunks.push(bytes.subarray(i, i + n));
  return chunks;
}

/** Streams a text as SSE in irregular chunks. */
export function sseBytes(text: string): UpstreamHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const chunk of irregularChunks(text)) res.write(chunk);
    res.end();
  };
}

/** Sends `text` and then drops the connection, as an upstream dying mid-stream does. */
export function sseCutAfter(text: string): UpstreamHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(text);
    await new Promise((r) => setTimeout(r, 20));
    res.destroy();
  };
}

/** The first `n` events of an SSE text. */
export function firstEvents(sse: string, n: number): string {
  return sse.split('\n\n').slice(0, n).map((event) => `${event}\n\n`).join('');
}

export function chatBody(model: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model, messages: [{ role: 'user', content: 'weather and time in Paris?' }], ...extra });
}

/** Folds streamed chunks into what a client shows: text, reasoning, tool calls, finish reason, usage chunks. */
export function assemble(chunks: ChatCompletionChunk[]) {
  let content = '';
  let reasoning = '';
  let finish: string | null = null;
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const delta = choice.delta as ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
      content += delta.content ?? '';
      reasoning += delta.reasoning_content ?? '';
      for (const call of delta.tool_calls ?? []) {
        calls[call.index] ??= { id: '', name: '', arguments: '' };
        calls[call.index].id += call.id ?? '';
        calls[call.index].name += call.function?.name ?? '';
        calls[call.index].arguments += call.function?.arguments ?? '';
      }
      finish = choice.finish_reason ?? finish;
    }
  }
  return { content, reasoning, finish, calls, usage: chunks.filter((c) => c.usage).map((c) => c.usage) };
}
