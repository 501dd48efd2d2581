import { afterEach, describe, expect, it } from 'vitest';
import { jsonReply } from '../../support/fake-upstream.js';
import { startProxyTestbed, type ProxyTestbed } from '../../support/proxy-testbed.js';
import { OK_BODY } from './routing-harness.js';

let bed: ProxyTestbed | null = null;
afterEach(async () => {
  await bed?.close();
  bed = null;
});

describe('a request id and its log item', () => {
  it('carry the same start time, so the log is found by id even when the clock ticks in between', async () => {
    bed = await startProxyTestbed({ now: Date.parse('2026-05-06T10:00:00Z') });
    bed.upstream.handle(jsonReply(OK_BODY));
    // Every reading of the clock is a millisecond later than the one before.
    let t = bed.clock.now;
    Object.defineProperty(bed.clock, 'now', { get: () => t++ });
    const res = await fetch(`${bed.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': bed.secret, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(await bed.deps.settle.drain(5000)).toBe(true);
    await bed.services.writes.flush();
    const id = res.headers.get('x-request-id')!;
    expect((await bed.services.logs.get(id))?.id).toBe(id);
  });
});
