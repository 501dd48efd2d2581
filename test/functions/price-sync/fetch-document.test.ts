import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fetchDocument, PriceSourceError } from '../../../functions/price-sync/fetch-document.js';
import { ValidationError } from '../../../functions/shared/errors.js';
import { startDocumentServer } from './document-server.js';

const server = await startDocumentServer();

describe('fetchDocument', () => {
  it('returns the exact bytes and their SHA-256', async () => {
    const body = Buffer.from('{"m":{"input_cost_per_token":1e-6}}\n');
    server.serve('/ok.json', { body });
    const doc = await fetchDocument(server.url('/ok.json'));
    expect(doc.bytes.equals(body)).toBe(true);
    expect(doc.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(doc.url).toBe(server.url('/ok.json'));
  });

  it('reports a non-2xx answer with its status', async () => {
    server.serve('/gone.json', { status: 503, body: 'maintenance' });
    await expect(fetchDocument(server.url('/gone.json'))).rejects.toThrow(/answered HTTP 503/);
    await expect(fetchDocument(server.url('/nowhere.json'))).rejects.toMatchObject({ status: 502, code: 'upstream_error' });
  });

  it('stops reading a body over the size cap', async () => {
    server.serve('/big.json', { body: Buffer.alloc(4096, 0x20) });
    await expect(fetchDocument(server.url('/big.json'), { maxBytes: 1000 })).rejects.toThrow(/over the 1000-byte limit|larger than 1000 bytes/);
  });

  it('stops reading a streamed body over the size cap even without a content-length', async () => {
    server.serve('/chunked.json', { body: Buffer.alloc(4096, 0x20), headers: { 'transfer-encoding': 'chunked' } });
    const err = await fetchDocument(server.url('/chunked.json'), { maxBytes: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PriceSourceError);
    expect((err as Error).message).toMatch(/larger than 1000 bytes/);
  });

  it('gives up on a source that never answers with a 504', async () => {
    server.serve('/hang.json', 'hang');
    await expect(fetchDocument(server.url('/hang.json'), { timeoutMs: 100 })).rejects.toMatchObject({
      status: 504,
      code: 'timeout_error',
      message: expect.stringMatching(/did not answer within 100 ms/),
    });
  });

  it('reports a refused connection as a 502', async () => {
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, '127.0.0.1', ready));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((done) => closed.close(() => done()));
    await expect(fetchDocument(`http://127.0.0.1:${port}/prices.json`)).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/could not be fetched/) });
  });

  it.each([['not a url'], ['file:///etc/passwd'], ['ftp://127.0.0.1/prices.json']])('refuses %s with a 400', async (url) => {
    await expect(fetchDocument(url)).rejects.toBeInstanceOf(ValidationError);
  });
});
