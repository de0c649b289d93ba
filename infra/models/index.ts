import type { Connection } from 'mongoose';
import { apiKeyModel } from './api-key';
import { deliveryModel } from './delivery';
import { eventModel } from './event';
import { eventTypeModel } from './event-type';
import { fanOutPendingModel } from './fan-out-pending';
import { hookModel } from './hook';
import { hookStatsModel } from './hook-stats';
import { hostFailuresModel } from './host-failures';
import { hostPauseModel } from './host-pause';
import { ownerModel } from './owner';
import { pendingDispatchModel } from './pending-dispatch';
import { portalSessionModel } from './portal-session';
import { replayModel } from './replay';
import { replayScheduleModel } from './replay-schedule';
import { retentionStateModel } from './retention-state';

/** The models bound to one connection, so that tests and processes never share mongoose globals. */
export function createModels(connection: Connection) {
  return {
    Owner: ownerModel(connection),
    ApiKey: apiKeyModel(connection),
    PortalSession: portalSessionModel(connection),
    Hook: hookModel(connection),
    Event: eventModel(connection),
    Delivery: deliveryModel(connection),
    EventType: eventTypeModel(connection),
    Replay: replayModel(connection),
    ReplaySchedule: replayScheduleModel(connection),
    RetentionState: retentionStateModel(connection),
    PendingDispatch: pendingDispatchModel(connection),
    FanOutPending: fanOutPendingModel(connection),
    HostFailures: hostFailuresModel(connection),
    HostPause: hostPauseModel(connection),
    HookStats: hookStatsModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;
