import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { ownerIdFor, ownerScope, type Caller } from '../core/caller';
import { duration } from '../core/durations';
import { NotFoundError, UnprocessableError } from '../core/errors';
import { newId, type ReplayScheduleId } from '../core/ids';
import type { Models } from '../infra/models';
import { DELIVERY_STATUSES } from '../infra/models/delivery';
import type { ReplaySchedule } from '../infra/models/replay-schedule';
import { BEYOND_SCHEMA, withRules } from '../core/schema-rules';
import { replayScheduleId } from '../shared/temporal-names';
import { scheduledRecoveryAction } from '../infra/workflow-starters';
import { removeReplaySchedule } from '../infra/workflow-stops';

export interface ReplayScheduleDependencies {
  models: Models;
  temporal: Client;
  taskQueue: string;
  /** The most deliveries a second a recovery may send. */
  replayRate: number;
}

export const createReplayScheduleInput = withRules(
  z.strictObject({
    /** With the admin key and no hookId: whose hooks. */
    ownerId: z.string().min(1).brand<'owner'>().optional(),
    /** One hook; every enabled hook of the owner otherwise. */
    hookId: z.string().min(1).brand<'hook'>().optional(),
    /** A cron expression as Temporal reads it, e.g. `0 * * * *`; or `every`. */
    cron: z.string().min(9).max(100).optional(),
    every: duration({ min: '1s', max: '30d' }).optional(),
    /** How far back each run looks from its tick. */
    window: duration({ min: '1s', max: '365d' }),
    statuses: z
      .array(z.enum(DELIVERY_STATUSES.filter((status) => status !== 'retrying' && status !== 'pending')))
      .min(1)
      .default(['failed', 'paused']),
    ratePerSecond: z.number().int().min(1).max(1000).optional(),
  }),
  [
    {
      schema: { oneOf: [{ required: ['cron'] }, { required: ['every'] }] },
      message: 'give either cron or every',
      path: ['cron'],
    },
  ],
);

export const updateReplayScheduleInput = z.strictObject({ paused: z.boolean() });

export const backfillReplayScheduleInput = z
  .strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) })
  .refine((input) => new Date(input.end) > new Date(input.start), {
    message: 'must be after start',
    path: ['end'],
    params: BEYOND_SCHEMA,
  })
  .refine((input) => new Date(input.end) <= new Date(), {
    message: 'must not be in the future',
    path: ['end'],
    params: BEYOND_SCHEMA,
  });

type Stored = ReplaySchedule & { _id: string; createdAt: Date; updatedAt: Date };

function scheduleView(schedule: Stored) {
  return {
    id: schedule._id,
    ownerId: schedule.ownerId,
    hookId: schedule.hookId ?? undefined,
    cron: schedule.cron ?? undefined,
    every: schedule.every ?? undefined,
    window: schedule.window,
    statuses: schedule.statuses,
    ratePerSecond: schedule.ratePerSecond,
    paused: schedule.paused,
    createdAt: schedule.createdAt,
  };
}

async function findSchedule(models: Models, caller: Caller, id: ReplayScheduleId): Promise<Stored> {
  const schedule = await models.ReplaySchedule.findOne({ _id: id, ...ownerScope(caller) }).lean();
  if (!schedule) throw new NotFoundError('replay schedule', id);
  return schedule;
}

/**
 * Stores the schedule, then creates its Temporal Schedule; if Temporal refuses
 * it (a cron it cannot read), the stored one is removed again. Runs never pile
 * up: a tick that comes while the last run still works is skipped.
 */
export async function createReplaySchedule(
  deps: ReplayScheduleDependencies,
  caller: Caller,
  input: z.infer<typeof createReplayScheduleInput>,
) {
  const hook = input.hookId
    ? await deps.models.Hook.findOne({ _id: input.hookId, ...ownerScope(caller) }, { ownerId: 1 }).lean()
    : undefined;
  if (input.hookId && !hook) throw new NotFoundError('hook', input.hookId);
  const ownerId = hook?.ownerId ?? ownerIdFor(caller, input.ownerId);
  const created = await deps.models.ReplaySchedule.create({
    _id: newId('replaySchedule'),
    ownerId,
    hookId: input.hookId,
    cron: input.cron,
    every: input.every,
    window: input.window,
    statuses: input.statuses,
    ratePerSecond: Math.min(input.ratePerSecond ?? deps.replayRate, deps.replayRate),
  });
  try {
    await deps.temporal.schedule.create({
      scheduleId: replayScheduleId(created._id),
      spec: input.cron ? { cronExpressions: [input.cron] } : { intervals: [{ every: input.every as string }] },
      action: scheduledRecoveryAction(deps.taskQueue, created._id),
      policies: { overlap: 'SKIP' },
    });
  } catch (error) {
    await deps.models.ReplaySchedule.deleteOne({ _id: created._id });
    // The SDK turns Temporal's "Invalid schedule spec" into a TypeError; anything else (an outage) is not the cron's fault.
    if (input.cron && error instanceof TypeError) {
      throw new UnprocessableError(`cron: Temporal cannot read it (${error.message})`);
    }
    throw error;
  }
  return scheduleView(created.toObject());
}

export async function listReplaySchedules(models: Models, caller: Caller) {
  const schedules = await models.ReplaySchedule.find(ownerScope(caller))
    .sort({ createdAt: -1, _id: -1 })
    .limit(500)
    .lean();
  return { data: schedules.map(scheduleView) };
}

/** Pauses or resumes the schedule's ticks; a run under way finishes. */
export async function updateReplaySchedule(
  deps: ReplayScheduleDependencies,
  caller: Caller,
  id: ReplayScheduleId,
  input: z.infer<typeof updateReplayScheduleInput>,
) {
  await findSchedule(deps.models, caller, id);
  const handle = deps.temporal.schedule.getHandle(replayScheduleId(id));
  await (input.paused ? handle.pause('paused through the API') : handle.unpause('resumed through the API'));
  const updated = await deps.models.ReplaySchedule.findOneAndUpdate(
    { _id: id },
    { $set: { paused: input.paused } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new NotFoundError('replay schedule', id);
  return scheduleView(updated);
}

/** Removes the schedule; the recoveries it already made stay on record. */
export async function deleteReplaySchedule(deps: ReplayScheduleDependencies, caller: Caller, id: ReplayScheduleId) {
  await findSchedule(deps.models, caller, id);
  await removeReplaySchedule(deps.temporal, id);
  await deps.models.ReplaySchedule.deleteOne({ _id: id });
}

/** Runs the schedule's ticks that fall in a past window now, each over its own window, as if on time. */
export async function backfillReplaySchedule(
  deps: ReplayScheduleDependencies,
  caller: Caller,
  id: ReplayScheduleId,
  input: z.infer<typeof backfillReplayScheduleInput>,
) {
  const schedule = await findSchedule(deps.models, caller, id);
  const [start, end] = [new Date(input.start), new Date(input.end)];
  await deps.temporal.schedule.getHandle(replayScheduleId(id)).backfill({ start, end, overlap: 'ALLOW_ALL' });
  return { ...scheduleView(schedule), backfill: { start, end } };
}
