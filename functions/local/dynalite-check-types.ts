// dynalite's wire-type check (validations/index.js checkTypes, MIT) with the same results and the
// same errors, minus its garbage: the original rebuilds the AttributeValue type tree (about ten
// objects) and runs a regular expression for every attribute value it checks, which was a quarter
// of everything the embedded store allocated per proxied request. Type strings and descriptors are
// parsed once and kept.

interface TypeDescriptor {
  type?: string;
  children?: string | TypeDescriptor | Record<string, unknown>;
  [key: string]: unknown;
}

type Checked = unknown;

const ATTR_CHILDREN: Record<string, unknown> = {
  S: 'String',
  B: 'Blob',
  N: 'String',
  BOOL: 'Boolean',
  NULL: 'Boolean',
  BS: { type: 'List', children: 'Blob' },
  NS: { type: 'List', children: 'String' },
  SS: { type: 'List', children: 'String' },
  L: { type: 'List', children: 'AttrStruct<ValueStruct>' },
  M: { type: 'Map<AttributeValue>', children: 'AttrStruct<ValueStruct>' },
};

const SUBTYPE = /(.+?)<(.+)>$/;
const parsedTypes = new Map<string, { base: string; subtype: string | undefined }>();
const childDescriptors = new Map<string, TypeDescriptor>();
const attrStructs = new Map<string | undefined, TypeDescriptor>();
const typeKeys = new WeakMap<object, string[]>();

function parseType(type: string): { base: string; subtype: string | undefined } {
  let parsed = parsedTypes.get(type);
  if (!parsed) {
    const match = type.match(SUBTYPE);
    parsed = match ? { base: match[1]!, subtype: match[2] } : { base: type, subtype: undefined };
    parsedTypes.set(type, parsed);
  }
  return parsed;
}

function childDescriptor(children: string): TypeDescriptor {
  let descriptor = childDescriptors.get(children);
  if (!descriptor) childDescriptors.set(children, (descriptor = { type: children }));
  return descriptor;
}

function attrStruct(subtype: string | undefined): TypeDescriptor {
  let descriptor = attrStructs.get(subtype);
  if (!descriptor) attrStructs.set(subtype, (descriptor = { type: `${subtype}<AttributeValue>`, children: ATTR_CHILDREN }));
  return descriptor;
}

function keysOf(types: Record<string, unknown>): string[] {
  let keys = typeKeys.get(types);
  if (!keys) typeKeys.set(types, (keys = Object.keys(types)));
  return keys;
}

function typeError(msg: string): Error {
  return Object.assign(new Error(msg), { statusCode: 400, body: { __type: 'com.amazon.coral.service#SerializationException', Message: msg } });
}

const REFLECTION_CAST =
  "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')";

/** Drops what `types` does not name (and nulls) from `data`, then checks and copies the rest, as dynalite does. */
export function checkTypes(data: Record<string, unknown>, types: Record<string, unknown>): Record<string, unknown> {
  let count = 0;
  let only = '';
  for (const key in data) {
    if (!types[key] || data[key] == null) delete data[key];
    else {
      count++;
      only = key;
    }
  }
  // Most structs hold one member ({ S: "…" }, { PutRequest: … }): when checking leaves it as it
  // was, the request's own (freshly parsed, otherwise unused) object is the answer.
  if (count === 1) {
    const value = checkType(data[only], types[only] as TypeDescriptor | string);
    if (value === data[only]) return data;
    return value != null ? { [only]: value } : {};
  }
  const out: Record<string, unknown> = {};
  for (const key of keysOf(types)) {
    const value = checkType(data[key], types[key] as TypeDescriptor | string);
    if (value != null) out[key] = value;
  }
  return out;
}

function checkType(val: unknown, descriptor: TypeDescriptor | string): Checked {
  if (val == null) return null;
  let children = typeof descriptor === 'object' ? descriptor.children : undefined;
  if (typeof children === 'string') children = childDescriptor(children);
  const typeName = typeof descriptor === 'object' ? (descriptor.type ? descriptor.type : (descriptor as unknown as string)) : descriptor;
  const { base: type, subtype } = parseType(typeName);

  if (type === 'AttrStruct') return checkType(val, attrStruct(subtype));

  switch (type) {
    case 'Boolean':
      switch (typeof val) {
        case 'number':
          throw typeError(`${val % 1 === 0 ? 'NUMBER_VALUE' : 'DECIMAL_VALUE'} cannot be converted to ${type}`);
        case 'string': {
          const upper = val.toUpperCase();
          if (upper === 'TRUE' || upper === '1' || upper === 'YES') return true;
          if (upper === 'FALSE' || upper === '0' || upper === 'NO') return false;
          throw typeError('Unexpected token received from parser');
        }
        case 'object':
          if (Array.isArray(val)) throw typeError(`Unrecognized collection type class java.lang.${type}`);
          throw typeError('Start of structure or map found where not expected');
      }
      return val;
    case 'Short':
    case 'Integer':
    case 'Long':
    case 'Double':
      switch (typeof val) {
        case 'boolean':
          throw typeError(`${val ? 'TRUE_VALUE' : 'FALSE_VALUE'} cannot be converted to ${type}`);
        case 'number':
          return type !== 'Double' ? Math.floor(val) : val;
        case 'string':
          throw typeError(`STRING_VALUE cannot be converted to ${type}`);
        case 'object':
          if (Array.isArray(val)) throw typeError(`Unrecognized collection type class java.lang.${type}`);
          throw typeError('Start of structure or map found where not expected');
      }
      return val;
    case 'String':
      switch (typeof val) {
        case 'boolean':
          throw typeError(`${val ? 'TRUE_VALUE' : 'FALSE_VALUE'} cannot be converted to ${type}`);
        case 'number':
          throw typeError(`${val % 1 === 0 ? 'NUMBER_VALUE' : 'DECIMAL_VALUE'} cannot be converted to ${type}`);
        case 'object':
          if (Array.isArray(val)) throw typeError(`Unrecognized collection type class java.lang.${type}`);
          throw typeError('Start of structure or map found where not expected');
      }
      return val;
    case 'Blob':
      switch (typeof val) {
        case 'boolean':
        case 'number':
          throw typeError('only base-64-encoded strings are convertible to bytes');
        case 'object':
          if (Array.isArray(val)) throw typeError('Unrecognized collection type class java.nio.ByteBuffer');
          throw typeError('Start of structure or map found where not expected');
      }
      if ((val as string).length % 4) throw typeError(`Base64 encoded length is expected a multiple of 4 bytes but found: ${(val as string).length}`);
      if (Buffer.from(val as string, 'base64').toString('base64') != val) throw typeError('Invalid last non-pad Base64 character dectected');
      return val;
    case 'List':
    case 'ParameterizedList':
      switch (typeof val) {
        case 'boolean':
        case 'number':
        case 'string':
          throw typeError(type === 'List' ? 'Unexpected field type' : REFLECTION_CAST);
        case 'object':
          if (!Array.isArray(val)) throw typeError('Start of structure or map found where not expected');
      }
      return mapList(val as unknown[], children as TypeDescriptor);
    case 'ParameterizedMap':
      switch (typeof val) {
        case 'boolean':
        case 'number':
        case 'string':
          throw typeError(REFLECTION_CAST);
        case 'object':
          if (Array.isArray(val)) {
            throw typeError('Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>');
          }
      }
      return mapValues(val as Record<string, unknown>, children as TypeDescriptor);
    case 'Map':
      switch (typeof val) {
        case 'boolean':
        case 'number':
        case 'string':
          throw typeError('Unexpected field type');
        case 'object':
          if (Array.isArray(val)) {
            const named = subtype!.includes('.') ? subtype : `com.amazonaws.dynamodb.v20120810.${subtype}`;
            throw typeError(`Unrecognized collection type java.util.Map<java.lang.String, ${named}>`);
          }
      }
      return mapValues(val as Record<string, unknown>, children as TypeDescriptor);
    case 'ValueStruct':
    case 'FieldStruct':
      switch (typeof val) {
        case 'boolean':
        case 'number':
        case 'string':
          throw typeError(type === 'ValueStruct' ? 'Unexpected value type in payload' : 'Unexpected field type');
        case 'object':
          if (Array.isArray(val)) throw typeError(`Unrecognized collection type class com.amazonaws.dynamodb.v20120810.${subtype}`);
      }
      return checkTypes(val as Record<string, unknown>, children as Record<string, unknown>);
    default:
      throw new Error(`Unknown type: ${type}`);
  }
}

/** Lists and maps come back as they were when no member changed (the usual case). */
function mapList(val: unknown[], children: TypeDescriptor): unknown[] {
  for (let i = 0; i < val.length; i++) {
    const checked = checkType(val[i], children);
    if (checked === val[i]) continue;
    const out = val.slice(0, i);
    out.push(checked);
    for (let j = i + 1; j < val.length; j++) out.push(checkType(val[j], children));
    return out;
  }
  return val;
}

function mapValues(val: Record<string, unknown>, children: TypeDescriptor): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key in val) {
    if (!Object.prototype.hasOwnProperty.call(val, key)) continue;
    const checked = checkType(val[key], children);
    if (out) out[key] = checked;
    else if (checked !== val[key]) {
      out = {};
      for (const before in val) {
        if (before === key) break;
        if (Object.prototype.hasOwnProperty.call(val, before)) out[before] = val[before];
      }
      out[key] = checked;
    }
  }
  return out ?? val;
}
