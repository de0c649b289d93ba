import type { AppDependencies } from '../dependencies';
import type { RouteDefinition } from '../route';
import { deliveryRoutes } from './deliveries';
import { eventTypeRoutes } from './event-types';
import { eventRoutes } from './events';
import { hookRoutes } from './hooks';
import { metricsRoutes } from './metrics';
import { ownerRoutes } from './owners';
import { portalSessionRoutes } from './portal-sessions';
import { replayScheduleRoutes } from './replay-schedules';
import { replayRoutes } from './replays';
import { statsRoutes } from './stats';

/** Every documented route, in the order the OpenAPI document lists them. */
export function apiRoutes(deps: AppDependencies): RouteDefinition[] {
  return [
    ...ownerRoutes(deps),
    ...portalSessionRoutes(deps),
    ...eventTypeRoutes(deps.models),
    ...hookRoutes(deps),
    ...statsRoutes(deps.models),
    ...eventRoutes(deps),
    ...deliveryRoutes(deps.models),
    ...replayRoutes(deps),
    ...replayScheduleRoutes(deps),
    ...metricsRoutes(deps.metrics),
  ];
}
