// The client's body and its going-away signal. Under `npm start` they come straight from node's
// request and response: asking Hono's node adapter for `req.body` or `req.signal` builds a whole
// WHATWG Request and stream around the socket, which costs more CPU than the rest of the read.
import type { Context } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyText, readIncomingBody } from './read-body.js';

interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

function nodeBindings(c: Context): NodeBindings {
  const env = c.env as NodeBindings | undefined;
  return env && typeof env === 'object' ? env : {};
}

export function clientBody(c: Context): Promise<{ text: string; bytes: number }> {
  const { incoming } = nodeBindings(c);
  return incoming && typeof incoming.on === 'function' ? readIncomingBody(incoming) : readBodyText(c.req.raw);
}

/** Node's response under `npm start` (the proxy can write to it directly); null on Lambda and in app.request(). */
export function nodeResponse(c: Context): ServerResponse | null {
  const { outgoing } = nodeBindings(c);
  return outgoing && typeof outgoing.writeHead === 'function' ? outgoing : null;
}

const signals = new WeakMap<Context, AbortSignal>();

/** Aborts when the client closes the connection before its response was written in full. */
export function clientSignal(c: Context): AbortSignal {
  const known = signals.get(c);
  if (known) return known;
  const { outgoing } = nodeBindings(c);
  if (!outgoing || typeof outgoing.once !== 'function') return c.req.raw.signal;
  const controller = new AbortController();
  if (outgoing.destroyed && !outgoing.writableFinished) controller.abort(new Error('client closed the connection'));
  else outgoing.once('close', () => {
    if (!outgoing.writableFinished) controller.abort(new Error('client closed the connection'));
  });
  signals.set(c, controller.signal);
  return controller.signal;
}
