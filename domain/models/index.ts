import type { Connection } from 'mongoose';
import { deliveryModel } from './delivery';
import { eventModel } from './event';
import { hookModel } from './hook';
import { ownerModel } from './owner';

/** The models bound to one connection, so that tests and processes never share mongoose globals. */
export function createModels(connection: Connection) {
  return {
    Owner: ownerModel(connection),
    Hook: hookModel(connection),
    Event: eventModel(connection),
    Delivery: deliveryModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
