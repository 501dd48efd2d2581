// Preloaded into the Portkey benchmark process (plain JS so the peer runs without a TypeScript
// loader). Portkey 1.15 on Node appends its x-portkey-* headers to the upstream fetch Response,
// whose headers are immutable once @hono/node-server >= 1.14.3 is in use (Portkey-AI/gateway#1389,
// #1550): every streamed answer becomes a 500. Handing it a Response with mutable headers (what the
// proposed upstream fix does: a new Response around the same body stream) lets streams through
// unchanged, chunk by chunk. The original Response class is kept because node-server replaces the
// global one once it serves.
const NativeResponse = globalThis.Response;
const nativeFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  const res = await nativeFetch(input, init);
  return new NativeResponse(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
};
