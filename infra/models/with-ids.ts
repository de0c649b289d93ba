/**
 * A record's type with its id fields of their kinds (core/ids.ts):
 * InferSchemaType reads every `String` as a plain string, so each model names
 * its id fields here, and what a query reads back carries them.
 */
export type WithIds<Inferred, Ids> = Omit<Inferred, keyof Ids> & Ids;
