/**
 * What an owner's deletion removes, in this order (workflows/delete-owner.ts):
 * hooks first, so that nothing new is delivered while the rest goes.
 */
export const OWNER_DATA_PARTS = [
  'hooks',
  'replaySchedules',
  'replays',
  'deliveries',
  // After the deliveries, whose part stops the retries. A worker may still write the second of counts it had
  // gathered (activities/hook-stats.ts) after this part: a few counters left, which MongoDB's TTL drops.
  'hookStats',
  'events',
  'pendingDispatches',
  'fanOutsPending',
  'portalSessions',
  'apiKeys',
] as const;

export type OwnerDataPart = (typeof OWNER_DATA_PARTS)[number];

/** How many records of each part a deletion removed so far. */
export type OwnerDataRemoved = Partial<Record<OwnerDataPart, number>>;
