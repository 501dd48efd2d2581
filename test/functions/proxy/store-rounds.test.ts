// Store round trips a request waits for before its upstream call, with the embedded store's
// single-writer limiter (limit state mirrored in memory): none while the caches are warm, at most
// two when every cache has expired (issue 3: at most 2 sequential rounds before the upstream call).
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentStore } from '../../../bench/lib/store-probe.js';
import { startProxyTestbed, type ProxyTestbed } from '../../support/proxy-testbed.js';
import { jsonReply } from '../../support/fake-upstream.js';

let bed: ProxyTestbed | null = null;
afterEach(async () => {
  await bed?.close();
  bed = null;
});

const BODY = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], metadata: { user_id: 'session-a' } });

describe('store rounds before the upstream call', () => {
  it('are none on the warm path and at most two once every cache has expired', async () => {
    bed = await startProxyTestbed({
      config: { singleWriter: true },
      deps: { limiter: undefined, stats: undefined },
    });
    const b = bed;
    let upstreamAt = 0;
    const reply = jsonReply({ id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5', usage: { input_tokens: 3, output_tokens: 1 } });
    b.upstream.handle((req, res) => {
      upstreamAt = performance.now();
      return reply(req, res);
    });
    const probe = instrumentStore(b.db);
    const send = async () => {
      const res = await fetch(`${b.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': b.secret, 'anthropic-version': '2023-06-01' },
        body: BODY,
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      await b.deps.settle.drain(5000);
    };

    await send();
    const warm = await probe.measure(send, () => upstreamAt);
    expect(warm.beforeUpstream).toBe(0);

    // Past every cache's lifetime (key and user, price, provider list, session binding).
    b.clock.now += 10 * 60_000;
    const refreshed = await probe.measure(send, () => upstreamAt);
    expect(refreshed.beforeUpstream).toBeGreaterThan(0);
    expect(refreshed.sequentialBeforeUpstream).toBeLessThanOrEqual(2);
  });
});
