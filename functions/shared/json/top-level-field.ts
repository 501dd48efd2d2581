// Reads and rewrites one top-level string field of a JSON document in place, so the rest of the
// body passes through byte for byte (used for `model` under a redirect).

interface Span {
  start: number;
  end: number;
}

function skipString(text: string, i: number): number {
  // i points at the opening quote; returns the index after the closing quote.
  for (let j = i + 1; j < text.length; j++) {
    const ch = text.charCodeAt(j);
    if (ch === 92 /* \ */) j++;
    else if (ch === 34 /* " */) return j + 1;
  }
  return -1;
}

/** Finds the value span of a top-level key whose value is a JSON string; null when absent or not a string. */
export function findTopLevelStringValue(text: string, key: string): Span | null {
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const end = skipString(text, i);
      if (end < 0) return null;
      if (depth === 1 && expectKey) {
        const name = JSON.parse(text.slice(i, end)) as string;
        let k = end;
        while (k < text.length && /\s/.test(text[k]!)) k++;
        if (text[k] !== ':') return null;
        k++;
        while (k < text.length && /\s/.test(text[k]!)) k++;
        if (name === key) {
          if (text[k] !== '"') return null;
          const valueEnd = skipString(text, k);
          return valueEnd < 0 ? null : { start: k, end: valueEnd };
        }
        expectKey = false;
        i = k - 1;
        continue;
      }
      i = end - 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      depth++;
      expectKey = ch === '{' && depth === 1;
    } else if (ch === '}' || ch === ']') {
      depth--;
    } else if (ch === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return null;
}

/** Returns `text` with the top-level string field `key` set to `value`; unchanged when absent. */
export function replaceTopLevelString(text: string, key: string, value: string): string {
  const span = findTopLevelStringValue(text, key);
  if (!span) return text;
  return text.slice(0, span.start) + JSON.stringify(value) + text.slice(span.end);
}
