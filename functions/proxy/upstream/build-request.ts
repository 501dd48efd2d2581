// Builds the upstream request: URL joining (CONTRACT.md §3 Providers), header filtering and the
// provider's own credentials. Client credentials never reach a provider.
import type { ProviderWithSecret } from '../../shared/types.js';

/** Headers that describe one connection, never forwarded (RFC 9110 §7.6.1), plus framing we recompute. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** Client headers that belong to the gateway, not the provider. */
const GATEWAY_ONLY = new Set(['authorization', 'x-api-key', 'cookie', 'x-origin-verify', 'accept-encoding', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-amzn-trace-id', 'forwarded', 'via']);

/** Response headers not passed back to the client (the transport already decoded the body; cookies are the provider's). */
const RESPONSE_DROP = new Set(['content-encoding', 'content-length', 'set-cookie', 'set-cookie2', 'alt-svc', 'strict-transport-security']);

/** `baseUrl` + the client's path and query; a baseUrl ending in /v1 does not get a second /v1. */
export function joinUpstreamUrl(baseUrl: string, clientPath: string, search: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  let path = clientPath.startsWith('/') ? clientPath : `/${clientPath}`;
  if (/\/v1$/i.test(base) && /^\/v1(\/|$)/i.test(path)) path = path.slice(3);
  return `${base}${path}${search}`;
}

export function upstreamRequestHeaders(clientHeaders: Headers, provider: ProviderWithSecret): Headers {
  const out = new Headers();
  const connectionListed = new Set(
    (clientHeaders.get('connection') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  clientHeaders.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || GATEWAY_ONLY.has(lower) || connectionListed.has(lower)) return;
    out.set(name, value);
  });
  if (provider.type === 'claude') out.set('x-api-key', provider.apiKey);
  else out.set('authorization', `Bearer ${provider.apiKey}`);
  // Bytes are relayed and parsed as they come: ask for them uncompressed.
  out.set('accept-encoding', 'identity');
  return out;
}

export function clientResponseHeaders(upstream: Headers, requestId: string): Headers {
  const out = new Headers();
  upstream.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || RESPONSE_DROP.has(lower)) return;
    out.set(name, value);
  });
  out.set('x-request-id', requestId);
  return out;
}
