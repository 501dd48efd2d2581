// Maps the model id a client or provider uses to the names it may have in the price table.

import type { Price } from '../types.js';

// Bedrock ids: optional cross-region inference prefix (us., eu., apac., global. ...), the vendor,
// then the model and a version suffix: `us.anthropic.claude-sonnet-4-5-20250929-v1:0`.
const BEDROCK_REGION = /^[a-z]{2,6}\.(?=[a-z0-9-]+\.)/;
const BEDROCK_VENDOR = /^(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|qwen)\.(.+)$/;
const BEDROCK_VERSION = /-v\d+(?::\d+)?$/;
// Vertex pins a snapshot as `claude-x@20250929` where Anthropic's own id is `claude-x-20250929`.
const VERTEX_DATE = /@(\d{8})$/;
// Date suffixes: `-20250929`, `-2025-04-14`, Vertex's `@20250929`.
const DATE_SUFFIX = /(?:[-@]\d{8}|-\d{4}-\d{2}-\d{2})$/;

/** `a/b/c` → [`a/b/c`, `b/c`, `c`]: each provider prefix (anthropic/, bedrock/, openrouter/...) peeled in turn. */
function withoutProviderPrefixes(model: string): string[] {
  const forms = [model];
  let rest = model;
  for (let slash = rest.indexOf('/'); slash !== -1 && slash < rest.length - 1; slash = rest.indexOf('/')) {
    rest = rest.slice(slash + 1);
    forms.push(rest);
  }
  return forms;
}

/** `us.anthropic.claude-x-20250929-v1:0` → [`anthropic.claude-x-20250929-v1:0`, `claude-x-20250929-v1:0`, `claude-x-20250929`]. */
function bedrockForms(name: string): string[] {
  const forms: string[] = [];
  const regionless = name.replace(BEDROCK_REGION, '');
  const vendor = BEDROCK_VENDOR.exec(regionless);
  if (!vendor) return forms;
  forms.push(regionless, vendor[1]);
  const unversioned = vendor[1].replace(BEDROCK_VERSION, '');
  if (unversioned !== '') forms.push(unversioned);
  return forms;
}

/**
 * Price-table names to try for a model, most specific first: the exact id, then with provider
 * prefixes removed (and Vertex's `@date` spelled `-date`), then each of those without a date
 * suffix. A dated name comes before any undated alias so a pinned snapshot's own price wins.
 */
export function priceLookupNames(model: string): string[] {
  const trimmed = model.trim();
  if (trimmed === '') return [];
  const prefixless = withoutProviderPrefixes(trimmed);
  const named = [...prefixless, ...bedrockForms(prefixless[prefixless.length - 1])];
  const vertexDated = named.filter((form) => VERTEX_DATE.test(form)).map((form) => form.replace(VERTEX_DATE, '-$1'));
  const forms = [...named, ...vertexDated];
  const undated = forms.map((form) => form.replace(DATE_SUFFIX, '')).filter((form) => form !== '');
  return [...new Set([...forms, ...undated])];
}

/** The first price found among the lookup names, or null when the model is unpriced. */
export async function findPrice(model: string, getPrice: (name: string) => Promise<Price | null>): Promise<Price | null> {
  for (const name of priceLookupNames(model)) {
    const price = await getPrice(name);
    if (price !== null) return price;
  }
  return null;
}
