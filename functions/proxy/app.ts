// The proxy app (/v1/*): Anthropic and OpenAI endpoints on the shared request pipeline.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { extractClientKey } from '../shared/auth/authenticate-key.js';
import { isStoreUnavailable } from '../shared/db/client.js';
import { ForbiddenError, GatewayError, NotFoundError, StoreUnavailableError, ValidationError } from '../shared/errors.js';
import { newRequestId, safeEqual } from '../shared/ids.js';
import { countTokensEndpoint, messagesEndpoint } from './endpoints/anthropic.js';
import { chatCompletionsEndpoint, responsesEndpoint } from './endpoints/openai.js';
import type { EndpointSpec } from './endpoints/types.js';
import { listModels, modelsResponse } from './models.js';
import { errorResponse, handleProxyRequest, type ProxyDeps } from './pipeline.js';

export interface ProxyEndpoints {
  messages: EndpointSpec;
  countTokens: EndpointSpec;
  chatCompletions: EndpointSpec;
  responses: EndpointSpec;
}

export interface ProxyAppOptions {
  endpoints?: Partial<ProxyEndpoints>;
}

/** Which client format a path speaks: Anthropic for /v1/messages*, OpenAI otherwise (/v1/models included). */
function specForPath(path: string, endpoints: ProxyEndpoints, anthropicClient = false): EndpointSpec {
  if (path.startsWith('/v1/messages')) return endpoints.messages;
  // A model listing asked for in Anthropic shape gets its errors in Anthropic shape too.
  if (anthropicClient && path.startsWith('/v1/models')) return endpoints.messages;
  return path.startsWith('/v1/responses') ? endpoints.responses : endpoints.chatCompletions;
}

export function createProxyApp(deps: ProxyDeps, options: ProxyAppOptions = {}) {
  const endpoints: ProxyEndpoints = {
    messages: messagesEndpoint,
    countTokens: countTokensEndpoint,
    chatCompletions: chatCompletionsEndpoint,
    responses: responsesEndpoint,
    ...options.endpoints,
  };
  const originSecret = deps.services.config.originVerifySecret;
  const app = new Hono();

  const fail = (c: Context, err: GatewayError) =>
    errorResponse(specForPath(c.req.path, endpoints, Boolean(c.req.header('anthropic-version'))), err, newRequestId(deps.services.now()));

  app.onError((err, c) => {
    if (err instanceof GatewayError) return fail(c, err);
    if (err instanceof HTTPException) return fail(c, new ValidationError(err.message || 'bad request'));
    if (isStoreUnavailable(err)) return fail(c, new StoreUnavailableError());
    deps.services.logger.error('proxy error', { path: c.req.path, error: String(err) });
    return fail(c, new GatewayError(500, 'api_error', 'internal gateway error'));
  });

  if (originSecret) {
    // Behind the CloudFront custom domain, only CloudFront (which adds the secret header) may call.
    app.use('/v1/*', async (c, next) => {
      if (!safeEqual(c.req.header('x-origin-verify') ?? '', originSecret)) {
        throw new ForbiddenError('this endpoint is only reachable through the configured custom domain');
      }
      await next();
    });
  }

  app.post('/v1/messages', (c) => handleProxyRequest(c, endpoints.messages, deps));
  app.post('/v1/messages/count_tokens', (c) => handleProxyRequest(c, endpoints.countTokens, deps));
  app.post('/v1/chat/completions', (c) => handleProxyRequest(c, endpoints.chatCompletions, deps));
  app.post('/v1/responses', (c) => handleProxyRequest(c, endpoints.responses, deps));
  app.get('/v1/models', async (c) => {
    const { user } = await deps.keys.authenticate(extractClientKey(c.req.raw.headers));
    const [providers, prices] = await Promise.all([deps.router.providers(), deps.services.prices.list()]);
    const res = modelsResponse(c, listModels(user, providers, prices), new Date(deps.services.now()).toISOString());
    res.headers.set('x-request-id', newRequestId(deps.services.now()));
    return res;
  });
  app.all('/v1/*', (c) => fail(c, new NotFoundError(`no route for ${c.req.method} ${c.req.path}`)));
  return app;
}
