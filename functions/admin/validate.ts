// zod validation for admin routes: failures become a 400 with per-field reasons (CONTRACT.md §3).
import { zValidator } from '@hono/zod-validator';
import type { ZodError, ZodSchema } from 'zod';
import { ValidationError } from '../shared/errors.js';

export function fieldsOf(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] = 'unknown field';
      continue;
    }
    const path = issue.path.length > 0 ? issue.path.join('.') : '_';
    fields[path] ??= issue.message;
  }
  return fields;
}

const JSON_TYPE = /^application\/([a-z.-]+\+)?json\s*(;|$)/i;

/**
 * JSON body validator; the parsed value is `c.req.valid('json')`. A body sent with another content
 * type (curl -d defaults to a form) is refused: the validator would read it as `{}`, and a PATCH
 * would then answer 200 having changed nothing.
 */
export function jsonBody<T extends ZodSchema>(schema: T) {
  const validator = zValidator('json', schema, (result) => {
    if (!result.success) throw new ValidationError('invalid request body', fieldsOf(result.error as ZodError));
  });
  const guarded: typeof validator = async (c, next) => {
    const type = c.req.header('content-type');
    if (type && !JSON_TYPE.test(type)) {
      throw new ValidationError('the request body must be JSON', { 'content-type': 'must be application/json' });
    }
    return validator(c, next);
  };
  return guarded;
}
