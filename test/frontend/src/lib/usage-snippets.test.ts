import { describe, expect, it } from 'vitest';
import { gatewayBase, KEY_PLACEHOLDER, usageSnippets } from '../../../../frontend/src/lib/usage-snippets.js';

describe('gatewayBase', () => {
  it.each([
    ['http://127.0.0.1:23000', 'http://127.0.0.1:23000'],
    ['https://hub.example.com/', 'https://hub.example.com'],
    ['https://abc.lambda-url.us-east-1.on.aws/v1/', 'https://abc.lambda-url.us-east-1.on.aws'],
  ])('%s → %s', (url, expected) => {
    expect(gatewayBase(url)).toBe(expected);
  });
});

describe('usageSnippets', () => {
  const s = usageSnippets('https://hub.example.com/', 'sk-abc');

  it('points Claude Code at the gateway with ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN', () => {
    expect(s['claude-env'].code).toContain('ANTHROPIC_BASE_URL="https://hub.example.com"');
    expect(s['claude-env'].code).toContain('ANTHROPIC_AUTH_TOKEN="sk-abc"');
    expect(JSON.parse(s['claude-settings'].code)).toEqual({
      env: { ANTHROPIC_BASE_URL: 'https://hub.example.com', ANTHROPIC_AUTH_TOKEN: 'sk-abc' },
    });
  });

  it('gives Codex a responses-API provider on /v1 that reads its key from env_key', () => {
    const toml = s['codex-config'].code;
    expect(toml).toContain('[model_providers.codehub]');
    expect(toml).toContain('base_url = "https://hub.example.com/v1"');
    expect(toml).toContain('wire_api = "responses"');
    expect(toml).toContain('env_key = "CODEHUB_API_KEY"');
    expect(s['codex-env'].code).toContain('CODEHUB_API_KEY="sk-abc"');
  });

  it('uses the bare URL for the Anthropic SDK and /v1 for the OpenAI SDK', () => {
    expect(s['anthropic-python'].code).toContain('base_url="https://hub.example.com"');
    expect(s['openai-python'].code).toContain('base_url="https://hub.example.com/v1"');
    expect(s['openai-ts'].code).toContain("baseURL: 'https://hub.example.com/v1'");
  });

  it('shows a placeholder when no key was entered', () => {
    expect(usageSnippets('http://x')['curl'].code).toContain(KEY_PLACEHOLDER);
  });
});
