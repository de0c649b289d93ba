/**
 * Names shared by the API (which starts workflows) and the worker (which runs
 * them). Workflow code imports this file too, so it must stay free of I/O.
 */
import { defineSearchAttributeKey } from '@temporalio/common';

export const SEARCH_ATTRIBUTES = {
  hookId: defineSearchAttributeKey('HookId', 'KEYWORD'),
  ownerId: defineSearchAttributeKey('OwnerId', 'KEYWORD'),
  eventType: defineSearchAttributeKey('EventType', 'KEYWORD'),
  deliveryStatus: defineSearchAttributeKey('DeliveryStatus', 'KEYWORD'),
  replayId: defineSearchAttributeKey('ReplayId', 'KEYWORD'),
} as const;

/** The Temporal types of our search attributes, as `temporal server start-dev --search-attribute` spells them. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword'> = Object.fromEntries(
  Object.values(SEARCH_ATTRIBUTES).map((key) => [key.name, 'Keyword']),
);

export function eventWorkflowId(eventId: string): string {
  return `event:${eventId}`;
}

export function deliveryWorkflowId(deliveryId: string): string {
  return `delivery:${deliveryId}`;
}

/** One per failure streak of a hook, so that a streak disables the hook and mails its owner once. */
export function disableHookWorkflowId(hookId: string, failingSince: number): string {
  return `disable-hook:${hookId}:${failingSince}`;
}

export function replayWorkflowId(replayId: string): string {
  return `replay:${replayId}`;
}

export function replayScheduleId(scheduleId: string): string {
  return `replay-schedule:${scheduleId}`;
}

/** Set by Temporal on each workflow a Schedule starts: the tick it stands for, backfilled ones included. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');
