import type { JsonSchema, OpenApiDocument } from '../../api/openapi';
import { refName } from './operations';

const INITIALISMS = new Set(['api', 'html', 'http', 'id', 'ip', 'json', 'uri', 'url']);

function goWord(word: string): string {
  const lower = word.toLowerCase();
  if (INITIALISMS.has(lower)) return word.toUpperCase();
  // `hookIds` → `HookIDs`
  if (lower.endsWith('s') && INITIALISMS.has(lower.slice(0, -1))) return `${word.slice(0, -1).toUpperCase()}s`;
  return word[0]!.toUpperCase() + word.slice(1);
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** An exported Go name, with Go's initialisms: `ownerId` → `OwnerID`, `$and` → `And`. */
export function goName(name: string): string {
  const exported = words(name).map(goWord).join('');
  return /^[0-9]/.test(exported) ? `X${exported}` : exported;
}

/** An unexported Go name, for arguments: `keyId` → `keyID`. */
export function goArgument(name: string): string {
  const [first = '', ...rest] = words(name);
  return first.toLowerCase() + rest.map(goName).join('');
}

/** A Go type, and whether its zero value is nil (slices, maps, `any`, interfaces, pointers): those need no pointer to be optional. */
export interface GoType {
  expr: string;
  nilable: boolean;
}

const ANY: GoType = { expr: 'any', nilable: true };

/** `// text` lines, for a declaration's or a field's doc comment. */
export function goComment(text: string | undefined, indent = ''): string {
  if (!text) return '';
  return `${text
    .split('\n')
    .map((line) => `${indent}// ${line}`.trimEnd())
    .join('\n')}\n`;
}

const isNull = (schema: JsonSchema) => schema.type === 'null';

/**
 * The Go types of the components the operations use, made from the document by their shapes: an object of named
 * fields is a struct (optional fields are pointers or nilable, with `omitempty`); an object of free keys a map; a
 * union whose members say their `type` (the targets) an interface each variant implements; any other union, and
 * free JSON, `any`. Validation keywords (patterns, lengths) stay with the API, which names what is wrong in a 400.
 */
export class GoTypes {
  private readonly declarations = new Map<string, string>();
  private readonly components = new Map<string, GoType>();

  constructor(private readonly document: OpenApiDocument) {}

  /** Every declaration made so far, sorted by name so that the file is the same from run to run. */
  source(): string {
    return [...this.declarations]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, text]) => text)
      .join('\n\n');
  }

  private declare(name: string, text: string): void {
    const earlier = this.declarations.get(name);
    if (earlier !== undefined && earlier !== text) throw new Error(`Go SDK: two types are named ${name}`);
    this.declarations.set(name, text);
  }

  /** The Go type of a component, declared on first use. */
  component(name: string): GoType {
    const known = this.components.get(name);
    if (known) return known;
    const schema = this.document.components.schemas[name];
    if (!schema) throw new Error(`Go SDK: no component ${name}`);
    if (isStruct(schema)) {
      const type = { expr: name, nilable: false };
      this.components.set(name, type);
      this.struct(name, schema, describe(name, schema));
      return type;
    }
    // Set before looking inside: a recursive value (StorableJsonValue) meets itself there.
    this.components.set(name, ANY);
    const target = this.type(schema, name);
    const type = { expr: name, nilable: target.nilable };
    this.components.set(name, type);
    this.declare(name, `${goComment(describe(name, schema))}type ${name} = ${target.expr}`);
    return type;
  }

  /** The Go type of a schema; `hint` names the struct or interface an inline shape becomes. */
  type(schema: JsonSchema | undefined, hint: string): GoType {
    if (schema === undefined) return ANY;
    const component = refName(schema);
    if (component) return this.component(component);
    const members = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
    if (members) return this.union(schema, members, hint);
    if ('const' in schema) return scalar(typeof schema.const === 'boolean' ? 'boolean' : 'string', schema);
    if (Array.isArray(schema.enum)) return schema.enum.every((v) => typeof v === 'string') ? scalar('string') : ANY;
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
    const present = types.filter((type) => type !== 'null');
    if (present.length !== 1) return ANY;
    const type = this.single(present[0], schema, hint);
    return present.length < types.length ? nullable(type) : type;
  }

  private single(type: string | undefined, schema: JsonSchema, hint: string): GoType {
    switch (type) {
      case 'string':
      case 'integer':
      case 'number':
      case 'boolean':
        return scalar(type, schema);
      case 'array':
        return { expr: `[]${this.type(schema.items as JsonSchema | undefined, `${hint}Item`).expr}`, nilable: true };
      case 'object':
      case undefined:
        return this.object(schema, hint);
      default:
        return ANY;
    }
  }

  private object(schema: JsonSchema, hint: string): GoType {
    if (isStruct(schema)) {
      const description = typeof schema.description === 'string' ? `: ${schema.description}` : '';
      this.struct(hint, schema, `${hint} is an object the document does not name${description}`);
      return { expr: hint, nilable: false };
    }
    const values = schema.additionalProperties;
    if (schema.properties === undefined && typeof values === 'object' && values !== null) {
      return { expr: `map[string]${this.type(values as JsonSchema, `${hint}Value`).expr}`, nilable: true };
    }
    return schema.type === 'object' || schema.properties ? { expr: 'map[string]any', nilable: true } : ANY;
  }

  private union(schema: JsonSchema, members: JsonSchema[], hint: string): GoType {
    const present = members.filter((member) => !isNull(member));
    if (present.length === 1) {
      const type = this.type(present[0], hint);
      return present.length < members.length ? nullable(type) : type;
    }
    const variants = present.map(refName);
    if (schema.discriminator === undefined || variants.some((name) => name === undefined)) return ANY;
    this.discriminated(hint, variants as string[], schema);
    return { expr: hint, nilable: true };
  }

  /** An interface per discriminated union, implemented by each variant's struct (value or pointer). */
  private discriminated(name: string, variants: string[], schema: JsonSchema): void {
    const { propertyName } = schema.discriminator as { propertyName: string };
    const marker = `is${name}`;
    const methods = variants.map((variant) => {
      if (this.component(variant).nilable) throw new Error(`Go SDK: ${variant} of ${name} is not an object`);
      return `func (${variant}) ${marker}() {}`;
    });
    for (const variant of variants) this.fillDiscriminator(variant, propertyName);
    const doc = `${name} is one of ${variants.join(', ')}, told apart by their ${goName(propertyName)} field.`;
    this.declare(name, [`// ${doc}`, `type ${name} interface {\n\t${marker}()\n}`, ...methods].join('\n'));
  }

  /**
   * A MarshalJSON that sends the variant's constant discriminator when the field is left empty, so that
   * `HttpTarget{URL: url}` is enough. Declared once per variant, whichever unions it is in.
   */
  private fillDiscriminator(variant: string, propertyName: string): void {
    const property = (this.document.components.schemas[variant]!.properties as Record<string, JsonSchema>)[
      propertyName
    ];
    if (typeof property?.const !== 'string') throw new Error(`Go SDK: ${variant}'s ${propertyName} is no constant`);
    const field = goName(propertyName);
    this.declare(
      `${variant}.MarshalJSON`,
      [
        `// MarshalJSON sends ${field} as ${JSON.stringify(property.const)} when it is left empty.`,
        `func (v ${variant}) MarshalJSON() ([]byte, error) {`,
        `\ttype plain ${variant}`,
        `\tif v.${field} == "" {\n\t\tv.${field} = ${JSON.stringify(property.const)}\n\t}`,
        '\treturn json.Marshal(plain(v))',
        '}',
      ].join('\n'),
    );
  }

  private struct(name: string, schema: JsonSchema, doc: string): void {
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const seen = new Set<string>();
    const fields = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([json, field]) => {
      const fieldName = goName(json);
      if (seen.has(fieldName)) throw new Error(`Go SDK: ${name} has two fields named ${fieldName}`);
      seen.add(fieldName);
      const type = this.type(field, name + fieldName);
      const optional = !required.has(json);
      const expr = optional && !type.nilable ? `*${type.expr}` : type.expr;
      const tag = `\`json:"${json}${optional ? ',omitempty' : ''}"\``;
      return `${goComment(fieldDoc(field), '\t')}\t${fieldName} ${expr} ${tag}`;
    });
    const body = fields.length > 0 ? `struct {\n${fields.join('\n')}\n}` : 'struct{}';
    this.declare(name, `${goComment(doc)}type ${name} ${body}`);
  }
}

/** An object of named fields and no free keys beside them. */
function isStruct(schema: JsonSchema): boolean {
  const values = schema.additionalProperties;
  const freeKeys = typeof values === 'object' && values !== null;
  return schema.properties !== undefined && !freeKeys && !('oneOf' in schema) && !('anyOf' in schema);
}

function scalar(type: string, schema: JsonSchema = {}): GoType {
  switch (type) {
    case 'string':
      return { expr: schema.format === 'date-time' ? 'time.Time' : 'string', nilable: false };
    case 'integer':
      return { expr: 'int', nilable: false };
    case 'number':
      return { expr: 'float64', nilable: false };
    default:
      return { expr: 'bool', nilable: false };
  }
}

function nullable(type: GoType): GoType {
  return type.nilable ? type : { expr: `*${type.expr}`, nilable: true };
}

function describe(name: string, schema: JsonSchema): string {
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  return description ? `${name}: ${description}` : `${name} is the document's component ${name}.`;
}

/** A field's description, and the values an enum allows (Go strings do not say). */
function fieldDoc(schema: JsonSchema): string | undefined {
  const values = Array.isArray(schema.enum) ? `One of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}.` : '';
  const constant = 'const' in schema ? `Always ${JSON.stringify(schema.const)}.` : '';
  const description = typeof schema.description === 'string' ? schema.description : '';
  return [description, values, constant].filter(Boolean).join('\n') || undefined;
}
