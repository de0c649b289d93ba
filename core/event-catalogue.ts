/**
 * The event types Hookflow knows out of the box: those of the products whose
 * webhooks it was modelled on. Seeded at start (see seedEventCatalogue); an
 * operator may edit them afterwards, and the seed leaves such edits alone.
 *
 * Schemas are given only where the product documents the body; elsewhere
 * producers' payloads vary too much to pin down.
 */

/** A JSON Schema (draft 2020-12), as an object. */
export type JsonSchema = Record<string, unknown>;

export interface CatalogueEventType {
  name: string;
  description: string;
  schema?: JsonSchema;
  resourceTypes?: readonly string[];
}

/** Creads: one event per change, about a resource of one of these types. */
export const CREADS_RESOURCE_TYPES = [
  'invitation',
  'organization',
  'product',
  'membership',
  'project',
  'project-message',
  'work',
  'webhook',
  'comment',
] as const;

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
    resourceTypes: CREADS_RESOURCE_TYPES,
  },
  {
    name: 'resource.updated',
    description: 'A resource was modified; the payload carries it in its new state.',
    resourceTypes: CREADS_RESOURCE_TYPES,
  },
  {
    name: 'resource.deleted',
    description: 'A resource was deleted; the payload carries its id but not the resource.',
    resourceTypes: CREADS_RESOURCE_TYPES,
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

export const EVENT_CATALOGUE: readonly CatalogueEventType[] = [...creads, ...misskey, ...push, ...dataPortal];
