// The copy-paste set-up snippets of the usage doc, for a given gateway URL and (optional) client key.

export interface Snippet {
  id: string;
  label: string;
  code: string;
}

export const KEY_PLACEHOLDER = 'sk-your-client-key';

/** The gateway URL without a trailing slash or a trailing /v1 (clients add their own paths). */
export function gatewayBase(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

export function usageSnippets(proxyUrl: string, clientKey = ''): Record<string, Snippet> {
  const base = gatewayBase(proxyUrl);
  const key = clientKey.trim() || KEY_PLACEHOLDER;
  const list: Snippet[] = [
    {
      id: 'claude-env',
      label: 'Claude Code environment variables',
      code: `export ANTHROPIC_BASE_URL="${base}"\nexport ANTHROPIC_AUTH_TOKEN="${key}"\nclaude`,
    },
    {
      id: 'claude-settings',
      label: 'Claude Code settings.json',
      code: JSON.stringify({ env: { ANTHROPIC_BASE_URL: base, ANTHROPIC_AUTH_TOKEN: key } }, null, 2),
    },
    {
      id: 'codex-config',
      label: 'Codex CLI config.toml',
      code: [
        'model_provider = "codehub"',
        'model = "gpt-5-codex"',
        '',
        '[model_providers.codehub]',
        'name = "Code Hub"',
        `base_url = "${base}/v1"`,
        'wire_api = "responses"',
        'env_key = "CODEHUB_API_KEY"',
      ].join('\n'),
    },
    {
      id: 'codex-env',
      label: 'Codex CLI key',
      code: `export CODEHUB_API_KEY="${key}"\ncodex`,
    },
    {
      id: 'anthropic-python',
      label: 'Anthropic Python SDK',
      code: [
        'import anthropic',
        '',
        `client = anthropic.Anthropic(base_url="${base}", api_key="${key}")`,
        'message = client.messages.create(',
        '    model="claude-sonnet-4-5",',
        '    max_tokens=1024,',
        '    messages=[{"role": "user", "content": "Hello"}],',
        ')',
        'print(message.content[0].text)',
      ].join('\n'),
    },
    {
      id: 'anthropic-ts',
      label: 'Anthropic TypeScript SDK',
      code: [
        "import Anthropic from '@anthropic-ai/sdk';",
        '',
        `const client = new Anthropic({ baseURL: '${base}', apiKey: '${key}' });`,
        'const message = await client.messages.create({',
        "  model: 'claude-sonnet-4-5',",
        '  max_tokens: 1024,',
        "  messages: [{ role: 'user', content: 'Hello' }],",
        '});',
      ].join('\n'),
    },
    {
      id: 'openai-python',
      label: 'OpenAI Python SDK',
      code: [
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url="${base}/v1", api_key="${key}")`,
        'chat = client.chat.completions.create(',
        '    model="gpt-4.1",',
        '    messages=[{"role": "user", "content": "Hello"}],',
        ')',
        'response = client.responses.create(model="gpt-5-codex", input="Hello")',
      ].join('\n'),
    },
    {
      id: 'openai-ts',
      label: 'OpenAI TypeScript SDK',
      code: [
        "import OpenAI from 'openai';",
        '',
        `const client = new OpenAI({ baseURL: '${base}/v1', apiKey: '${key}' });`,
        "const response = await client.responses.create({ model: 'gpt-5-codex', input: 'Hello' });",
      ].join('\n'),
    },
    {
      id: 'curl',
      label: 'curl',
      code: [
        `curl ${base}/v1/messages \\`,
        `  -H "x-api-key: ${key}" \\`,
        '  -H "anthropic-version: 2023-06-01" \\',
        '  -H "content-type: application/json" \\',
        `  -d '{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]}'`,
        '',
        `curl ${base}/v1/models -H "Authorization: Bearer ${key}"`,
      ].join('\n'),
    },
  ];
  return Object.fromEntries(list.map((s) => [s.id, s]));
}
