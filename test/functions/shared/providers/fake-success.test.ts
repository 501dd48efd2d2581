import { describe, expect, it } from 'vitest';
import { detectFakeSuccess } from '../../../../functions/shared/providers/fake-success.js';
import { fixtureText } from './read-fixture.js';

const HTML_REASON = 'upstream returned an HTML page instead of an API response';

describe('detectFakeSuccess flags a 200 that is really a failure', () => {
  it.each([
    { name: 'an HTML content type', contentType: 'text/html; charset=utf-8', body: 'Service Unavailable', reason: HTML_REASON },
    { name: 'an HTML page sent as JSON', contentType: 'application/json', body: '\n  <!DOCTYPE html><html><body>502</body></html>', reason: HTML_REASON },
    { name: 'an <html> page without a content type', contentType: null, body: '<HTML><head><title>Login</title>', reason: HTML_REASON },
    {
      name: 'an Anthropic error body',
      contentType: 'application/json',
      body: fixtureText('anthropic/body-error.json'),
      reason: 'upstream returned an error with status 200: overloaded_error: Overloaded',
    },
    {
      name: 'an OpenAI error body',
      contentType: 'application/json',
      body: '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
      reason: 'upstream returned an error with status 200: invalid_request_error: Incorrect API key provided',
    },
    {
      name: 'an error object carrying only a code',
      contentType: 'application/json',
      body: '{"error":{"code":"model_not_found","message":"no such model"}}',
      reason: 'upstream returned an error with status 200: model_not_found: no such model',
    },
    { name: 'an error string', contentType: 'application/json', body: '{"error":"rate limited, retry later"}', reason: 'upstream returned an error with status 200: rate limited, retry later' },
    {
      name: 'a truncated error body',
      contentType: 'application/json',
      body: '{"type":"error","error":{"type":"api_error","message":"Internal server err',
      reason: 'upstream returned an error object with status 200',
    },
    {
      name: 'a stream that opens with an Anthropic error event',
      contentType: 'text/event-stream',
      body: 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      reason: 'upstream returned an error with status 200: overloaded_error: Overloaded',
    },
    {
      name: 'a stream that opens with an OpenAI error chunk',
      contentType: 'text/event-stream',
      body: 'data: {"error":{"message":"The server had an error","type":"server_error","code":null}}\n\n',
      reason: 'upstream returned an error with status 200: server_error: The server had an error',
    },
    {
      name: 'a Responses stream that opens with an error event',
      contentType: 'text/event-stream',
      body: 'event: error\ndata: {"type":"error","sequence_number":0,"code":"rate_limit_exceeded","message":"Slow down","param":null}\n\n',
      reason: 'upstream returned an error with status 200: rate_limit_exceeded: Slow down',
    },
    {
      name: 'a stream whose opening error event is cut off',
      contentType: 'text/event-stream',
      body: 'event: error\r\ndata: {"type":"error","err',
      reason: 'upstream returned an error object with status 200',
    },
  ])('flags $name', ({ contentType, body, reason }) => {
    expect(detectFakeSuccess(contentType, body)).toBe(reason);
  });

  it('shortens a long error message', () => {
    const reason = detectFakeSuccess('application/json', JSON.stringify({ error: { type: 'api_error', message: 'x'.repeat(1000) } }));
    expect(reason?.length).toBeLessThan(250);
    expect(reason).toMatch(/^upstream returned an error with status 200: api_error: x+…$/);
  });
});

describe('detectFakeSuccess passes real responses', () => {
  it.each([
    { name: 'an Anthropic message', contentType: 'application/json', body: fixtureText('anthropic/body-cache.json') },
    { name: 'a chat completion', contentType: 'application/json', body: fixtureText('openai-usage/chat-body.json') },
    { name: 'a Responses object with "error": null', contentType: 'application/json', body: fixtureText('openai-usage/responses-body.json') },
    {
      name: 'a chat completion that also carries an error field',
      contentType: 'application/json',
      body: '{"id":"c","choices":[{"message":{"content":"ok"}}],"error":{"message":"partial"}}',
    },
    { name: 'a truncated message body', contentType: 'application/json', body: '{"id":"msg_01","type":"message","content":[{"type":"te' },
    { name: 'an Anthropic stream', contentType: 'text/event-stream', body: fixtureText('anthropic/stream-text.sse').slice(0, 300) },
    { name: 'an Anthropic stream that fails later', contentType: 'text/event-stream', body: fixtureText('anthropic/stream-error.sse') },
    { name: 'a chat completion stream', contentType: 'text/event-stream', body: fixtureText('openai-usage/chat-stream.sse') },
    { name: 'a Responses stream', contentType: 'text/event-stream', body: fixtureText('openai-usage/responses-stream.sse').slice(0, 200) },
    { name: 'a stream opening with a keep-alive comment', contentType: 'text/event-stream', body: ': ping\n\ndata: {"id":"c","choices":[]}\n\n' },
    { name: 'a model list', contentType: 'application/json', body: '{"object":"list","data":[{"id":"gpt-4o"}]}' },
    { name: 'an empty body', contentType: null, body: '' },
  ])('passes $name', ({ contentType, body }) => {
    expect(detectFakeSuccess(contentType, body)).toBeNull();
  });
});
