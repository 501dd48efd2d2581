import { describe, expect, it, vi } from 'vitest';
import { createTestContext, testStore } from '../../support/store.js';
import { fixtureDocument, startDocumentServer } from './document-server.js';

const server = await startDocumentServer();
server.serve('/prices.json', { body: fixtureDocument() });

describe('price-sync Lambda handler', () => {
  it('syncs PRICE_SOURCE_URL into TABLE_NAME, returns the result and throws on a broken document', async () => {
    const ctx = await createTestContext();
    const store = await testStore();
    vi.stubEnv('TABLE_NAME', ctx.db.tableName);
    vi.stubEnv('DYNAMODB_ENDPOINT', store.endpoint);
    vi.stubEnv('PRICE_SOURCE_URL', server.url('/prices.json'));
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    const { handler } = await import('../../../functions/price-sync/lambda.js');

    const first = await handler();
    expect(first).toMatchObject({ models: 13, updated: 13, source: server.url('/prices.json') });
    expect((await ctx.services.prices.list()).length).toBe(13);
    expect(await handler()).toMatchObject({ models: 13, updated: 0 });

    // A failure is thrown (EventBridge retries it) and leaves the table as it was.
    server.serve('/prices.json', { body: '<html>rate limited</html>' });
    await expect(handler()).rejects.toMatchObject({ status: 502 });
    expect((await ctx.services.prices.list()).length).toBe(13);
    vi.unstubAllEnvs();
  });
});
