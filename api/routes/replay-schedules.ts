import { z } from 'zod';
import {
  backfillReplaySchedule,
  backfillReplayScheduleInput,
  createReplaySchedule,
  createReplayScheduleInput,
  deleteReplaySchedule,
  listReplaySchedules,
  updateReplaySchedule,
  updateReplayScheduleInput,
} from '../../services/replay-schedules';
import type { AppDependencies } from '../dependencies';
import { idOf } from '../../core/ids';
import { defineRoute, type RouteDefinition } from '../route';
import { replayScheduleSchema } from './schemas';

export function replayScheduleRoutes({ models, temporal, config }: AppDependencies): RouteDefinition[] {
  const deps = { models, temporal, taskQueue: config.temporal.taskQueue, replayRate: config.replayRate };
  const id = (params: Record<string, string>) => idOf('replaySchedule', params.id as string);
  return [
    defineRoute({
      method: 'post',
      path: '/v1/replay-schedules',
      operationId: 'replaySchedules.create',
      tag: 'Replay schedules',
      summary: 'Recover missed deliveries on a schedule (a Temporal Schedule, overlap SKIP)',
      description:
        'At each tick (`cron` or `every`), what one hook, or every enabled hook of the owner, missed in the `window` before the tick goes out again as a recovery. Deliveries already done again are never sent twice.',
      access: 'tenant',
      body: createReplayScheduleInput,
      success: { status: 201, description: 'The schedule', schema: replayScheduleSchema },
      errors: {
        404: '`hookId` or `ownerId` names nothing',
        422: 'Temporal cannot read the `cron`, or no `ownerId` with the admin key (`unprocessable`)',
      },
      handle: ({ body, caller }) => createReplaySchedule(deps, caller, body),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/replay-schedules',
      operationId: 'replaySchedules.list',
      tag: 'Replay schedules',
      summary: 'List replay schedules, newest first',
      access: 'tenant',
      success: {
        status: 200,
        description: 'The schedules',
        schema: z.object({ data: z.array(replayScheduleSchema) }),
      },
      handle: ({ caller }) => listReplaySchedules(models, caller),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/replay-schedules/:id',
      operationId: 'replaySchedules.update',
      tag: 'Replay schedules',
      summary: 'Pause or resume a replay schedule',
      access: 'tenant',
      body: updateReplayScheduleInput,
      success: { status: 200, description: 'The schedule', schema: replayScheduleSchema },
      handle: ({ params, body, caller }) => updateReplaySchedule(deps, caller, id(params), body),
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/replay-schedules/:id',
      operationId: 'replaySchedules.delete',
      tag: 'Replay schedules',
      summary: 'Delete a replay schedule; the recoveries it made stay on record',
      access: 'tenant',
      success: { status: 204, description: 'Deleted' },
      handle: ({ params, caller }) => deleteReplaySchedule(deps, caller, id(params)),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/replay-schedules/:id/backfill',
      operationId: 'replaySchedules.backfill',
      tag: 'Replay schedules',
      summary: "Run the schedule's ticks in a past window now, each over its own window",
      access: 'tenant',
      body: backfillReplayScheduleInput,
      success: {
        status: 202,
        description: 'The backfill is under way',
        schema: replayScheduleSchema.extend({
          backfill: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
        }),
      },
      errors: { 422: '`end` is not after `start`, or is in the future (`unprocessable`)' },
      handle: ({ params, body, caller }) => backfillReplaySchedule(deps, caller, id(params), body),
    }),
  ];
}
