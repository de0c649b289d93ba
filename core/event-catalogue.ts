/**
 * The event types Hookflow knows out of the box: those of the products whose
 * webhooks it was modelled on. Seeded at start (see seedEventCatalogue); an
 * operator may edit them afterwards, and the seed leaves such edits alone.
 *
 * Schemas are given only where the product documents the body; elsewhere
 * producers' payloads vary too much to pin down.
 */

import { OPERATIONAL_CATALOGUE } from './operational-events';

/** A JSON Schema (draft 2020-12), as an object. */
export type JsonSchema = Record<string, unknown>;

export interface CatalogueEventType {
  name: string;
  description: string;
  schema?: JsonSchema;
  resourceTypes?: readonly string[];
}

/**
 * Creads: which changes each resource type reports, as its webhook page
 * lists them (Organization only `resource.updated`, Project Message only
 * `resource.created`...). The catalogue gives each event the resource types
 * that have it, so an event or a subscription a type does not have is refused.
 */
export const CREADS_EVENTS_BY_RESOURCE_TYPE = {
  invitation: ['created', 'updated', 'deleted'],
  organization: ['updated'],
  product: ['updated'],
  membership: ['created', 'updated', 'deleted'],
  project: ['created', 'updated', 'deleted'],
  'project-message': ['created'],
  work: ['created'],
  webhook: ['created', 'updated', 'deleted'],
  comment: ['created'],
} as const;

type CreadsChange = (typeof CREADS_EVENTS_BY_RESOURCE_TYPE)[keyof typeof CREADS_EVENTS_BY_RESOURCE_TYPE][number];

/** The resource types that report this change, in the page's order. */
function creadsTypesWith(change: CreadsChange): string[] {
  return Object.entries(CREADS_EVENTS_BY_RESOURCE_TYPE)
    .filter(([, changes]) => (changes as readonly string[]).includes(change))
    .map(([resourceType]) => resourceType);
}

/** A body that must carry `property` as an object (a Misskey user or note). */
function bodyWith(property: string, description: string): JsonSchema {
  return {
    type: 'object',
    required: [property],
    properties: { [property]: { type: 'object', description } },
  };
}

const creads: CatalogueEventType[] = [
  {
    name: 'resource.created',
    description: 'A resource was just created; the payload carries it.',
    resourceTypes: creadsTypesWith('created'),
  },
  {
    name: 'resource.updated',
    description: 'A resource was modified; the payload carries it in its new state.',
    resourceTypes: creadsTypesWith('updated'),
  },
  {
    name: 'resource.deleted',
    description: 'A resource was deleted; the payload carries its id but not the resource.',
    resourceTypes: creadsTypesWith('deleted'),
  },
];

const misskey: CatalogueEventType[] = [
  { name: 'follow', description: 'You followed someone.', schema: bodyWith('user', 'The user followed') },
  { name: 'followed', description: 'Someone followed you.', schema: bodyWith('user', 'The user following you') },
  { name: 'unfollow', description: 'You stopped following someone.', schema: bodyWith('user', 'The user unfollowed') },
  { name: 'note', description: 'You posted a note.', schema: bodyWith('note', 'The composed note') },
  { name: 'reply', description: 'Someone replied to your note.', schema: bodyWith('note', 'The reply') },
  { name: 'renote', description: 'Your note was renoted.', schema: bodyWith('note', 'The renote') },
  {
    name: 'mention',
    description: 'Someone mentioned you.',
    schema: bodyWith('note', 'The note that contains the mention'),
  },
  { name: 'reaction', description: 'Someone reacted to your note.' },
];

const push: CatalogueEventType[] = [
  { name: 'onDeviceRegister', description: 'A device was registered for push notifications.' },
  { name: 'onDeviceUpdate', description: "A registered device's information was updated." },
  { name: 'onDeviceUnregister', description: "A device's registration was cancelled." },
  { name: 'onSubscribe', description: 'A user subscribed to a tag.' },
  { name: 'onUnsubscribe', description: 'A user unsubscribed from a tag.' },
  {
    name: 'onNotificationSend',
    description: 'A notification was sent; the events of one batched send share its message id.',
  },
  {
    name: 'onNotificationFailure',
    description: 'A notification could not be sent; the events of one batched send share its message id.',
  },
];

const dataPortal: CatalogueEventType[] = [
  { name: 'dataset-created', description: 'A dataset was created.' },
  { name: 'dataset-error', description: 'A dataset ran into an error.' },
  { name: 'dataset-finalized', description: 'A dataset was finalized: its processing is complete.' },
  { name: 'dataset-published', description: 'A dataset was published to a catalogue.' },
  { name: 'dataset-downloaded', description: 'A dataset was downloaded.' },
  { name: 'visualization-created', description: 'A visualization was created.' },
  { name: 'visualization-error', description: 'A visualization ran into an error.' },
  { name: 'visualization-published', description: 'A visualization was published to a catalogue.' },
];

export const EVENT_CATALOGUE: readonly CatalogueEventType[] = [
  ...creads,
  ...misskey,
  ...push,
  ...dataPortal,
  // Hookflow's own (core/operational-events.ts): producers cannot post them.
  ...OPERATIONAL_CATALOGUE,
];
