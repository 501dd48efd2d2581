// A deterministic bad-input corpus (seeded PRNG): malformed and truncated JSON, wrong types for every
// field, huge strings, deep nesting, invalid UTF-8, odd content types, junk ids and query strings.

export interface BodyCase {
  name: string;
  body: Buffer;
  /** `null` sends no Content-Type at all. */
  contentType: string | null;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSON_TYPE = 'application/json';
export const MB = 1024 * 1024;
const DEPTH = 100_000;

const text = (name: string, body: string, contentType: string | null = JSON_TYPE): BodyCase => ({
  name,
  body: Buffer.from(body, 'utf8'),
  contentType,
});
const bytes = (name: string, body: Buffer, contentType: string | null = JSON_TYPE): BodyCase => ({ name, body, contentType });

/** Values of every JSON type; for any one field most of them are the wrong type. */
export function junkValues(): { name: string; raw: string }[] {
  return [
    { name: 'null', raw: 'null' },
    { name: 'true', raw: 'true' },
    { name: 'false', raw: 'false' },
    { name: 'zero', raw: '0' },
    { name: 'negative', raw: '-1' },
    { name: 'fraction', raw: '1.5' },
    { name: 'huge number', raw: '1e308' },
    { name: 'overflowing number', raw: '1e400' },
    { name: 'long digits', raw: '9'.repeat(400) },
    { name: 'negative zero', raw: '-0' },
    { name: 'empty string', raw: '""' },
    { name: 'blank string', raw: '"   "' },
    { name: 'short string', raw: '"x"' },
    { name: 'NUL string', raw: '"a\\u0000b"' },
    { name: 'lone surrogate', raw: '"\\ud800"' },
    { name: 'numeric string', raw: '"42"' },
    { name: 'date-like string', raw: '"2026-02-30T25:61:61Z"' },
    { name: 'empty array', raw: '[]' },
    { name: 'array of null', raw: '[null]' },
    { name: 'array of numbers', raw: '[1,2,3]' },
    { name: 'empty object', raw: '{}' },
    { name: 'nested object', raw: '{"a":{"b":{"c":[1,{"d":null}]}}}' },
    { name: 'proto object', raw: '{"__proto__":{"polluted":true}}' },
    { name: '1000-deep array', raw: `${'['.repeat(1000)}${']'.repeat(1000)}` },
    { name: '100k-element array', raw: `[${new Array(100_000).fill('0').join(',')}]` },
  ];
}

function withField(valid: Record<string, unknown>, field: string, raw: string): string {
  const rest = { ...valid };
  delete rest[field];
  const others = JSON.stringify(rest).slice(1, -1);
  return `{${others}${others ? ',' : ''}${JSON.stringify(field)}:${raw}}`;
}

/** Each field set to each junk value (all other fields valid), removed, and 1 MB long. */
export function wrongTypeCases(valid: Record<string, unknown>, fields: readonly string[]): BodyCase[] {
  const cases: BodyCase[] = [];
  for (const field of fields) {
    for (const value of junkValues()) cases.push(text(`${field} = ${value.name}`, withField(valid, field, value.raw)));
    const without = { ...valid };
    delete without[field];
    cases.push(text(`${field} missing`, JSON.stringify(without)));
    cases.push(text(`${field} = 1 MB string`, withField(valid, field, JSON.stringify('n'.repeat(MB)))));
    cases.push(text(`${field} = 100k-deep array`, withField(valid, field, `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`)));
  }
  return cases;
}

/**
 * One level down: every key of the first element of each array-of-objects field (`messages[0].role`,
 * `messages[0].content`...) set to each junk value, plus content parts with junk `type`s.
 */
export function innerCases(valid: Record<string, unknown>): BodyCase[] {
  const cases: BodyCase[] = [];
  const hole = '__corpus_hole__';
  const deep = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
  for (const [field, value] of Object.entries(valid)) {
    const first: unknown = Array.isArray(value) ? value[0] : undefined;
    if (typeof first !== 'object' || first === null || Array.isArray(first)) continue;
    const at = (key: string, raw: string) => {
      const template = JSON.stringify({ ...valid, [field]: [{ ...first, [key]: hole }, ...(value as unknown[]).slice(1)] });
      return template.replace(JSON.stringify(hole), () => raw);
    };
    for (const key of Object.keys(first)) {
      for (const junk of junkValues()) cases.push(text(`${field}[0].${key} = ${junk.name}`, at(key, junk.raw)));
      cases.push(text(`${field}[0].${key} = 100k-deep array`, at(key, deep)));
      cases.push(text(`${field}[0].${key} = 1 MB string`, at(key, JSON.stringify('n'.repeat(MB)))));
    }
    for (const [name, raw] of [['deep', deep], ['1 MB', JSON.stringify('t'.repeat(MB))], ['object', '{"a":1}'], ['unknown', '"hologram"']]) {
      cases.push(text(`${field}[0].content part with ${name} type`, at('content', `[{"type":${raw},"text":"x"}]`)));
    }
  }
  return cases;
}

/** Syntax errors, truncations, random byte damage and plain garbage around one valid body. */
export function malformedCases(valid: Record<string, unknown>, random: () => number): BodyCase[] {
  const json = JSON.stringify(valid);
  const fixed = [
    '', '   ', '\n', 'null', 'true', '0', '-1', '"text"', '[]', '[{}]', '{}', '{', '}', '{"', '{"model"', '{"model":',
    '{"model":}', "{'model':'x'}", '{"model":"x",}', '{"model":"x"}}', '{"model":NaN}', '{"model":Infinity}',
    '{"model":undefined}', '/* comment */{}', `${json}//`, `\uFEFF${json}`, `${json}\n${json}`, `${json}garbage`,
    '{"model":"\\u00zz"}', '{"model":"\\x41"}', '{"model":"a\nb"}', '{"model":"a', '{model:"x"}', '{"a":1,"a":{"b":2},"a":[3]}',
    '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
  ];
  const cases = fixed.map((body, i) => text(`syntax #${i}: ${JSON.stringify(body.slice(0, 24))}`, body));
  for (let i = 1; i <= 24; i++) {
    const at = Math.max(1, Math.floor((json.length * i) / 25));
    cases.push(text(`truncated at ${at}/${json.length}`, json.slice(0, at)));
  }
  for (let i = 0; i < 24; i++) {
    const buf = Buffer.from(json, 'utf8');
    const flips = 1 + Math.floor(random() * 4);
    for (let f = 0; f < flips; f++) buf[Math.floor(random() * buf.length)] = Math.floor(random() * 256);
    cases.push(bytes(`byte damage #${i}`, buf));
  }
  for (let i = 0; i < 8; i++) {
    const buf = Buffer.alloc(1 + Math.floor(random() * 4096));
    for (let b = 0; b < buf.length; b++) buf[b] = Math.floor(random() * 256);
    cases.push(bytes(`random bytes #${i} (${buf.length} B)`, buf));
  }
  return cases;
}

/** Bytes that are not UTF-8, inside strings, keys and around the body. */
export function invalidUtf8Cases(valid: Record<string, unknown>): BodyCase[] {
  const json = JSON.stringify(valid);
  const sequences: [string, number[]][] = [
    ['0xff', [0xff]],
    ['0xfe 0xff', [0xfe, 0xff]],
    ['overlong slash', [0xc0, 0xaf]],
    ['encoded surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated euro sign', [0xe2, 0x82]],
    ['lone continuation', [0x80]],
  ];
  const cases: BodyCase[] = [];
  for (const [name, seq] of sequences) {
    const bad = Buffer.from(seq);
    const firstString = json.indexOf('":"') + 3;
    cases.push(bytes(`invalid UTF-8 (${name}) in a string`, Buffer.concat([Buffer.from(json.slice(0, firstString)), bad, Buffer.from(json.slice(firstString))])));
    cases.push(bytes(`invalid UTF-8 (${name}) as a key`, Buffer.concat([Buffer.from('{"'), bad, Buffer.from(`":1,${json.slice(1)}`)])));
    cases.push(bytes(`invalid UTF-8 (${name}) before the body`, Buffer.concat([bad, Buffer.from(json)])));
  }
  cases.push(bytes('UTF-16LE body with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])));
  cases.push(bytes('UTF-16 declared charset', Buffer.from(json, 'utf16le'), 'application/json; charset=utf-16'));
  return cases;
}

/** Nesting far beyond any schema, open and closed. */
export function nestingCases(valid: Record<string, unknown>): BodyCase[] {
  const json = JSON.stringify(valid);
  return [
    text('100k [ unclosed', '['.repeat(DEPTH)),
    text('100k [ closed', `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`),
    text('100k {"a": unclosed', '{"a":'.repeat(DEPTH)),
    text('100k {"a": closed', `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`),
    text('100k-deep extra field', `{${json.slice(1, -1)},"deep":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`),
    text('100k-deep object in an extra field', `{${json.slice(1, -1)},"deep":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}`),
    text('100k-deep extra field on a stream', `{${json.slice(1, -1)},"stream":true,"deep":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`),
  ];
}

/** Big bodies: long strings, long keys, many fields, whitespace, over the proxy's 6 MB limit. */
export function hugeCases(valid: Record<string, unknown>): BodyCase[] {
  const json = JSON.stringify(valid);
  const many: Record<string, number> = {};
  for (let i = 0; i < 50_000; i++) many[`f${i}`] = i;
  return [
    text('1 MB key', `{${json.slice(1, -1)},${JSON.stringify('k'.repeat(MB))}:1}`),
    text('50k extra fields', JSON.stringify({ ...many, ...valid })),
    text('1 MB of whitespace around', `${' '.repeat(MB)}${json}${'\n'.repeat(MB)}`),
    text('1 MB of escapes', `{${json.slice(1, -1)},"e":"${'\\u0041'.repeat(MB / 6)}"}`),
    text('7 MB body', `{${json.slice(1, -1)},"pad":"${'p'.repeat(7 * MB)}"}`),
  ];
}

/** The body is fine; the declared type is not. */
export function contentTypeCases(valid: Record<string, unknown>): BodyCase[] {
  const json = JSON.stringify(valid);
  return [
    text('no content type', json, null),
    text('text/plain', json, 'text/plain'),
    text('form encoded', 'model=x&name=y', 'application/x-www-form-urlencoded'),
    text('multipart', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n', 'multipart/form-data; boundary=b'),
    text('junk content type', json, ';;;==='),
    text('json with junk params', json, 'application/json; charset=klingon; x=' + 'y'.repeat(200)),
    text('vendor json', json, 'application/vnd.api+json'),
  ];
}

/** Every body case of one route. */
export function bodyCorpus(valid: Record<string, unknown>, fields: readonly string[], seed: number): BodyCase[] {
  const random = seededRandom(seed);
  return [
    ...malformedCases(valid, random),
    ...wrongTypeCases(valid, fields),
    ...innerCases(valid),
    ...invalidUtf8Cases(valid),
    ...nestingCases(valid),
    ...hugeCases(valid),
    ...contentTypeCases(valid),
  ];
}

/** Path segments that name nothing (already URL-encoded where needed). */
export function junkIds(): string[] {
  return [
    'nonexistent',
    'usr_AAAAAAAAAAAAAAAA',
    'req_000000000AAAAAAAAAAA',
    'x'.repeat(3000),
    'x'.repeat(8000),
    encodeURIComponent('😀'.repeat(300)),
    '%00',
    'a%00b',
    '%ff%fe',
    '%F0%9F%98',
    '%',
    '%25',
    '..%2f..%2fetc%2fpasswd',
    '..%5c..%5cwindows',
    '%2e%2e',
    encodeURIComponent(`'"; DROP TABLE users; --`),
    encodeURIComponent('<script>alert(1)</script>'),
    encodeURIComponent('{"$ne":null}'),
    '__proto__',
    'constructor',
    '-1',
    'null',
    'a%20b',
  ];
}

/** Query strings for any GET route: bad numbers, dates, cursors, enums, duplicates, bytes. */
export function junkQueries(): string[] {
  return [
    '?limit=-1',
    '?limit=abc',
    '?limit=1e9',
    '?limit=1&limit=2',
    '?from=notadate&to=x',
    '?from=2026-13-45',
    '?from=2026-02-01&to=2026-01-01',
    `?from=${'9'.repeat(400)}`,
    '?cursor=junk',
    `?cursor=${'A'.repeat(4000)}`,
    '?cursor=eyJQSyI6IlVTRVIjeCJ9',
    '?status=abc',
    '?status=99999',
    '?period=yearly',
    '?by=planet',
    '?date=2026-02-30',
    '?date=0000-00-00',
    `?model=${'x'.repeat(3000)}`,
    `?userId=${'x'.repeat(3000)}`,
    `?sessionId=${encodeURIComponent('😀'.repeat(500))}`,
    '?a=%00',
    '?%ff=%fe',
    '?unknown=1',
    '?=&&==&',
  ];
}
