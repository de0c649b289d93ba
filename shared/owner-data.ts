/**
 * What an owner's deletion removes, in this order (workflows/delete-owner.ts):
 * hooks first, so that nothing new is delivered while the rest goes.
 */
export const OWNER_DATA_PARTS = [
  'hooks',
  'replaySchedules',
  'replays',
  'deliveries',
  'events',
  'pendingDispatches',
  'fanOutsPending',
  'apiKeys',
] as const;

export type OwnerDataPart = (typeof OWNER_DATA_PARTS)[number];

/** How many records of each part a deletion removed so far. */
export type OwnerDataRemoved = Partial<Record<OwnerDataPart, number>>;
