import type { z } from 'zod';
import { UnprocessableError } from '../core/errors';
import { withRules, type ObjectRule } from '../core/schema-rules';
import type { SecretBox } from '../infra/secret-box';
import type { SenderModule } from './contract';

/**
 * What a target type declares in targets/<type>/index.ts (its config half:
 * shapes, secrets, words for people; no I/O, the API imports it), and the
 * one place its sender is named. targets/registry.ts lists every type once;
 * targets/catalogue.ts derives the rest from that list.
 */

/** A target opened for one send, and the secret values in it, which no attempt record may show. */
export interface Opening<Opened> {
  target: Opened;
  secretValues: string[];
}

/** How a type's targets are stored, shown and opened, for types whose secrets are more than plain fields (HTTP's headers). */
export interface TargetCodec<Input, Stored, Opened> {
  /** The target as stored, secrets sealed; a patch's missing secrets are taken, still sealed, from `previous`. */
  seal: (secrets: SecretBox, input: Input, previous: Stored | undefined) => Stored;
  /** What owners see: secrets as `{"secret": true}`. */
  view: (target: Stored) => Record<string, unknown>;
  /** The secrets opened, for one send inside an activity. */
  open: (secrets: SecretBox, target: Stored) => Opening<Opened>;
}

type FieldOf<Shape extends z.ZodObject> = keyof z.output<Shape> & string;

export interface TargetSpec<Type extends string, Shape extends z.ZodObject, Stored, Opened, Input> {
  type: Type;
  /** The type's schema name in the OpenAPI document; its update shape, when it differs, is `<name>Patch`. */
  schemaName: string;
  /** The config as created: a strict object whose `type` is the literal `type`. */
  shape: Shape;
  /** The config as updated; by default `shape` with its secret fields optional (left out: the stored one stays). */
  patchShape?: z.ZodObject;
  /** Rules beyond the shape that the published schema states too (withRules), on creation. */
  rules?: ObjectRule[];
  /** Encrypted at rest and shown as `{"secret": true}` (by the default codec). */
  secretFields: readonly FieldOf<Shape>[];
  /** Fields holding an http(s) address Hookflow will call, for the private-address guard. */
  urlFields: readonly FieldOf<Shape>[];
  /** A problem with an address of another kind (email's smtpUrl), as `field: problem`. */
  otherAddressProblem?(input: Input): { field: string; problem: string } | undefined;
  /** Refuses a stored target that a patch left inconsistent (a message for the 422). */
  storedProblem?(target: Stored): string | undefined;
  /** The target in a few words for people (the owner's mail, say), secrets left out. */
  describe: (target: Stored) => string;
  /** What an owner should know about every target of this type that still works. */
  warnings?: readonly string[];
  codec?: TargetCodec<Input, Stored, Opened>;
  /** The worker's half: `() => import('./sender.js')`, loaded only by the worker. */
  loadSender: () => Promise<SenderModule<NoInfer<Opened>>>;
}

/** A target type as the catalogue uses it: `Created` is what its create schema gives. */
export interface TargetDefinition<Type extends string = string, Stored = unknown, Opened = unknown, Created = unknown> {
  type: Type;
  /** The create and update schemas, named for the OpenAPI document. */
  input: z.ZodType<Created>;
  /** A patch may leave secrets out (the stored ones stay): only its `type` is sure. */
  patchInput: z.ZodType<{ type: Type } & Record<string, unknown>>;
  seal(secrets: SecretBox, input: Record<string, unknown>, previous: Stored | undefined): Stored;
  view(target: Stored): Record<string, unknown>;
  open(secrets: SecretBox, target: Stored): Opening<Opened>;
  describe(target: Stored): string;
  warnings?: readonly string[];
  /** The http(s) addresses the input names, for the private-address guard. */
  addresses(input: Record<string, unknown>): { field: string; url: string }[];
  otherAddressProblem(input: Record<string, unknown>): { field: string; problem: string } | undefined;
  loadSender(): Promise<SenderModule<Opened>>;
}

function isRequired(shape: z.ZodObject, field: string): boolean {
  const fieldSchema = (shape.shape as Record<string, z.ZodType | undefined>)[field];
  return fieldSchema?.safeParse(undefined).success === false;
}

/** Secret fields sealed one by one; on a patch, a left-out secret keeps the stored (sealed) value. */
function fieldCodec<Stored extends Record<string, unknown>>(
  shape: z.ZodObject,
  secretFields: readonly string[],
): TargetCodec<Record<string, unknown>, Stored, Stored> {
  return {
    seal(secrets, input, previous) {
      const stored: Record<string, unknown> = { ...input };
      for (const field of secretFields) {
        const value = input[field];
        if (typeof value === 'string') stored[field] = secrets.seal(value);
        else if (typeof previous?.[field] === 'string') stored[field] = previous[field];
        else if (isRequired(shape, field)) {
          throw new UnprocessableError(`target.${field}: give a value (only a stored secret may be left out)`);
        }
      }
      return stored as Stored;
    },
    view(target) {
      const view: Record<string, unknown> = { ...target };
      for (const field of secretFields) if (field in view) view[field] = { secret: true };
      return view;
    },
    open(secrets, target) {
      const opened: Record<string, unknown> = { ...target };
      const secretValues: string[] = [];
      for (const field of secretFields) {
        const sealed = target[field];
        if (typeof sealed !== 'string') continue;
        const value = secrets.open(sealed);
        opened[field] = value;
        secretValues.push(value);
      }
      return { target: opened as Stored, secretValues };
    },
  };
}

function patchShapeOf(spec: { shape: z.ZodObject; secretFields: readonly string[]; patchShape?: z.ZodObject }) {
  if (spec.patchShape) return spec.patchShape;
  const fields = spec.shape.shape as Record<string, z.ZodType>;
  const required = spec.secretFields.filter((field) => isRequired(spec.shape, field));
  return required.length > 0
    ? spec.shape.extend(Object.fromEntries(required.map((field) => [field, (fields[field] as z.ZodType).optional()])))
    : spec.shape;
}

/**
 * A target type from its spec. Stored and opened targets are the shape's
 * output unless the spec brings a codec; the sender's config type must be
 * the opened one (NoInfer: the sender cannot choose it).
 */
export function defineTarget<
  Type extends string,
  Shape extends z.ZodObject,
  Stored extends { type: Type } = z.output<Shape> & { type: Type },
  Opened = z.output<Shape>,
  Input = z.output<Shape>,
>(spec: TargetSpec<Type, Shape, Stored, Opened, Input>): TargetDefinition<Type, Stored, Opened, z.output<Shape>> {
  const patch = patchShapeOf(spec);
  const input = spec.rules ? withRules(spec.shape, spec.rules) : spec.shape;
  const differs = patch !== spec.shape || spec.rules !== undefined;
  // The catalogue hands each definition only what its own schemas parsed (the unions switch on `type`),
  // so the input and stored records are this type's: these casts are that one boundary.
  const codec = (spec.codec ?? fieldCodec(spec.shape, spec.secretFields)) as unknown as TargetCodec<
    Record<string, unknown>,
    Stored,
    Opened
  >;
  const named = input.meta({ id: spec.schemaName });
  const patchInput = (differs ? patch.meta({ id: `${spec.schemaName}Patch` }) : named) as unknown as z.ZodType<
    { type: Type } & Record<string, unknown>
  >;
  return {
    type: spec.type,
    input: named as unknown as z.ZodType<z.output<Shape>>,
    patchInput,
    seal(secrets, given, previous) {
      const stored = codec.seal(secrets, given, previous);
      const problem = spec.storedProblem?.(stored);
      if (problem) throw new UnprocessableError(problem);
      return stored;
    },
    view: codec.view,
    open: codec.open,
    describe: spec.describe,
    warnings: spec.warnings,
    addresses: (given) =>
      spec.urlFields.flatMap((field) => {
        const url = given[field];
        return typeof url === 'string' ? [{ field, url }] : [];
      }),
    otherAddressProblem: (given) => spec.otherAddressProblem?.(given as Input),
    loadSender: spec.loadSender,
  };
}
