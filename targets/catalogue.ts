import { z } from 'zod';
import { targetProblem } from '../core/address-guard';
import { UnprocessableError } from '../core/errors';
import type { SecretBox } from '../infra/secret-box';
import type { Opening, TargetDefinition } from './definition';
import { TARGETS } from './registry';

/**
 * What the rest of Hookflow knows of target types, derived from the registry:
 * the names, the stored and opened unions, the API's input schemas (switching
 * on `type`, each type a named schema in the OpenAPI document), and the
 * handling of secrets and addresses. Free of I/O: the API imports it.
 */

type Registered = (typeof TARGETS)[number];
type StoredOf<D> = D extends TargetDefinition<string, infer Stored, unknown, unknown> ? Stored : never;
type OpenedOf<D> = D extends TargetDefinition<string, unknown, infer Opened, unknown> ? Opened : never;
type CreatedOf<D> = D extends TargetDefinition<string, unknown, unknown, infer Created> ? Created : never;

export type TargetType = Registered['type'];
export const TARGET_TYPES = TARGETS.map((target) => target.type);
/** A target as the API accepts it on creation. */
export type TargetInput = CreatedOf<Registered>;
/** A target as stored on its hook: secret fields sealed. */
export type StoredTarget = StoredOf<Registered>;
/** A target with its secrets opened, for one send. */
export type OpenedTarget = OpenedOf<Registered>;
/** A target as a patch gives it: secrets may be left out. */
export type TargetPatch = { type: TargetType } & Record<string, unknown>;

type AnyDefinition = TargetDefinition<TargetType, StoredTarget, OpenedTarget, TargetInput>;

// Each definition is only ever handed targets of its own type (definitionOf looks it up by `type`).
const definitions = new Map<string, AnyDefinition>(
  TARGETS.map((target) => [target.type, target as unknown as AnyDefinition]),
);

function definitionOf(type: string): AnyDefinition {
  const definition = definitions.get(type);
  // Unreachable through the API, whose schemas know every type; a record from a newer release might not be.
  if (!definition) throw new UnprocessableError(`target.type: unknown target type ${JSON.stringify(type)}`);
  return definition;
}

/** zod's discriminatedUnion wants a tuple of objects: the registry's schemas are, each with its literal `type`. */
function switchingOnType<T>(schemas: readonly z.ZodType[]): z.ZodType<T> {
  return z.discriminatedUnion('type', schemas as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<T>;
}

export const targetInput = switchingOnType<TargetInput>(TARGETS.map((target) => target.input));

/**
 * On update, a secret field or a secret header's value may be left out to keep the stored one; an email
 * target's `from` may rely on the stored smtpUrl (sealTarget checks).
 */
export const targetPatchInput = switchingOnType<TargetPatch>(TARGETS.map((target) => target.patchInput));

/**
 * The target as stored: secrets sealed. A patch may leave secrets out; they
 * are then taken, still sealed, from `previous` when it is of the same type.
 */
export function sealTarget(secrets: SecretBox, input: TargetPatch, previous?: StoredTarget): StoredTarget {
  const kept = previous?.type === input.type ? previous : undefined;
  return definitionOf(input.type).seal(secrets, input, kept);
}

/** What owners see: secrets as `{"secret": true}`. */
export function targetView(target: StoredTarget): Record<string, unknown> {
  return definitionOf(target.type).view(target);
}

/**
 * The target with its secrets opened, for one send inside an activity (it
 * never leaves there), and those secrets' values, for the record to hide.
 */
export function openTarget(secrets: SecretBox, target: StoredTarget): Opening<OpenedTarget> {
  return definitionOf(target.type).open(secrets, target);
}

/** What an owner should know about a target that still works. */
export function targetWarnings(target: StoredTarget): string[] | undefined {
  const warnings = definitionOf(target.type).warnings;
  return warnings ? [...warnings] : undefined;
}

/** The target in a few words for people (the owner's mail, say), secrets left out. */
export function describeTarget(target: StoredTarget): string {
  return definitionOf(target.type).describe(target);
}

/**
 * The host (with its port) a target's requests go to, by which the breaker
 * counts failures and pauses sends: its first URL's. Undefined for a type
 * that names no URL (its provider's API: GA4, Telegram, Twilio, email).
 */
export function targetHostOf(target: TargetPatch | OpenedTarget): string | undefined {
  // Each type's addresses read its own URL fields off any object of its shape.
  const [first] = definitionOf(target.type).addresses(target as unknown as Record<string, unknown>);
  if (!first) return undefined;
  try {
    return new URL(first.url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Refuses, at creation, addresses the delivery-time guard would refuse anyway,
 * so that the owner hears it now.
 */
export function assertPublicTarget(input: TargetPatch): void {
  const definition = definitionOf(input.type);
  for (const { field, url } of definition.addresses(input)) {
    const problem = targetProblem(url);
    if (problem) throw new UnprocessableError(`target.${field}: ${problem}; hooks must target public hosts`);
  }
  const other = definition.otherAddressProblem(input);
  if (other) throw new UnprocessableError(`target.${other.field}: ${other.problem}; hooks must target public hosts`);
}
