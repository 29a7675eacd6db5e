import fc from 'fast-check';

/** A JSON Schema as the OpenAPI document gives it (the parts a generator needs). */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
}

export interface GenOptions {
  /** Resolves `#/components/schemas/…` references. */
  resolve: (ref: string) => Schema;
  /** Ids that exist in the database, offered for properties named like ids. */
  ids: string[];
  /** Wrap every value in a chance of garbage (wrong type, huge, unicode, missing). */
  bad: boolean;
}

/** Values of the wrong kind for any field: the usual suspects of a fuzzer. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, '', ' ', '0', '-1', 'NaN', 'true', '[]', '{}', '../../etc/passwd', "' or 1=1 --", '%00', '\u0000', '😀🏠', '9'.repeat(400), 'a'.repeat(10_001)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -0, 2 ** 31, 3.5),
);

const isoInstant = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

function numberBounds(s: Schema) {
  let min = s.minimum;
  let max = s.maximum;
  if (typeof s.exclusiveMinimum === 'number') min = s.exclusiveMinimum;
  if (typeof s.exclusiveMaximum === 'number') max = s.exclusiveMaximum;
  return { min: min ?? -1e6, max: max ?? 1e6 };
}

function stringArb(s: Schema, name: string, o: GenOptions): fc.Arbitrary<unknown> {
  if (s.format === 'date-time') return isoInstant;
  if (s.format === 'date') return isoInstant.map((t) => t.slice(0, 10));
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'email') return fc.emailAddress();
  if (s.format === 'uri' || s.format === 'url') return fc.webUrl();
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 40, 60));
  const text = fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ unit: 'grapheme', minLength: min, maxLength: max }));
  if (/id$/i.test(name) && o.ids.length) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...o.ids) }, { weight: 1, arbitrary: text });
  return text;
}

/** An arbitrary value for a schema: mostly valid, with garbage mixed in when `bad`. */
export function arbitraryFor(schema: Schema | undefined, o: GenOptions, name = '', depth = 0): fc.Arbitrary<unknown> {
  const valid = validFor(schema, o, name, depth);
  return o.bad ? fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: garbage }) : valid;
}

function validFor(schema: Schema | undefined, o: GenOptions, name: string, depth: number): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.oneof(fc.string({ maxLength: 10 }), fc.integer());
  if (schema.$ref) return validFor(o.resolve(schema.$ref), o, name, depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => arbitraryFor(a, o, name, depth + 1)));
  if (schema.allOf?.length) return arbitraryFor(schema.allOf[schema.allOf.length - 1], o, name, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ['object'] : [];
  if (types.length > 1) return fc.oneof(...types.map((t) => validFor({ ...schema, type: t }, o, name, depth)));
  switch (types[0]) {
    case 'string':
      return stringArb(schema, name, o);
    case 'integer': {
      const { min, max } = numberBounds(schema);
      return fc.integer({ min: Math.ceil(Math.max(min, -(2 ** 31))), max: Math.floor(Math.min(max, 2 ** 31)) });
    }
    case 'number': {
      const { min, max } = numberBounds(schema);
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(arbitraryFor(schema.items, o, name, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 4, 4)) });
    }
    case 'object': {
      const props = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) record[k] = arbitraryFor(v, o, k, depth + 1);
      const required = (schema.required ?? []).filter((k) => k in props);
      // With `bad`, required keys may go missing and unknown keys may appear.
      const base = fc.record(record, o.bad ? { requiredKeys: [] } : { requiredKeys: required });
      return o.bad
        ? fc.tuple(base, fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), garbage, { maxKeys: 2 }), { freq: 4 })).map(([b, extra]) => ({ ...b, ...(extra ?? {}) }))
        : base;
    }
    default:
      return garbage;
  }
}
