import type { Column } from './output.js';
import type { AttemptDetail, DeliverySummary, Event, EventType, Hook, OwnerSummary, Replay } from './sdk.js';

/** The columns each resource's table shows: what an owner scans for; `--json` has every field. */
export const OWNER_COLUMNS: Column<OwnerSummary>[] = [
  ['ID', (owner) => owner.id],
  ['Name', (owner) => owner.name],
  ['Email', (owner) => owner.email],
  ['Created', (owner) => owner.createdAt],
];

/** Where a hook delivers: an HTTP target's URL, or the type of any other. */
export function targetText(target: Hook['target']): string {
  return 'url' in target && typeof target.url === 'string' ? target.url : target.type;
}

export const HOOK_COLUMNS: Column<Hook>[] = [
  ['ID', (hook) => hook.id],
  ['Name', (hook) => hook.name],
  ['Status', (hook) => hook.status],
  ['Events', (hook) => hook.events],
  ['Target', (hook) => targetText(hook.target)],
];

export const HOOK_FIELDS: Column<Hook>[] = [
  ...HOOK_COLUMNS,
  ['Owner', (hook) => hook.ownerId],
  ['Format', (hook) => hook.format],
  ['Disabled because', (hook) => hook.disabledReason],
  ['Created', (hook) => hook.createdAt],
  ['Updated', (hook) => hook.updatedAt],
];

export const EVENT_COLUMNS: Column<Event>[] = [
  ['ID', (event) => event.id],
  ['Type', (event) => event.type],
  ['Owner', (event) => event.ownerId],
  ['Created', (event) => event.createdAt],
];

export const EVENT_FIELDS: Column<Event>[] = [...EVENT_COLUMNS, ['Data', (event) => event.data]];

/** What a delivery's summary (in lists) and the delivery itself (with its attempts) both have. */
type DeliveryBasics = Omit<DeliverySummary, 'attempts'>;

const DELIVERY_BASICS: Column<DeliveryBasics>[] = [
  ['ID', (delivery) => delivery.id],
  ['Status', (delivery) => delivery.status],
  ['Hook', (delivery) => delivery.hookId],
  ['Event', (delivery) => delivery.eventId],
];
const LAST_ANSWER: Column<DeliveryBasics> = [
  'Last answer',
  (delivery) => delivery.lastAttempt && attemptResult(delivery.lastAttempt),
];
const CREATED: Column<DeliveryBasics> = ['Created', (delivery) => delivery.createdAt];

export const DELIVERY_COLUMNS: Column<DeliverySummary>[] = [
  ...DELIVERY_BASICS,
  ['Attempts', (delivery) => delivery.attempts],
  LAST_ANSWER,
  CREATED,
];

export const DELIVERY_FIELDS: Column<DeliveryBasics>[] = [
  ...DELIVERY_BASICS,
  LAST_ANSWER,
  CREATED,
  ['Failure', (delivery) => delivery.failureReason],
  ['Next attempt', (delivery) => delivery.nextAttemptAt],
  ['Replay of', (delivery) => delivery.replayOf],
  ['Superseded by', (delivery) => delivery.supersededBy],
];

/** An attempt's outcome in a few words: the status code, else the kind of error. */
function attemptResult(attempt: Pick<AttemptDetail, 'statusCode' | 'errorKind'>): string {
  return attempt.statusCode === undefined ? (attempt.errorKind ?? '') : `HTTP ${attempt.statusCode}`;
}

export const ATTEMPT_COLUMNS: Column<AttemptDetail>[] = [
  ['Started', (attempt) => attempt.startedAt],
  ['Result', attemptResult],
  ['Took (ms)', (attempt) => attempt.durationMs],
  ['Error', (attempt) => attempt.errorMessage],
];

export const REPLAY_FIELDS: Column<Replay>[] = [
  ['ID', (replay) => replay.id],
  ['Kind', (replay) => replay.kind],
  ['Status', (replay) => replay.status],
  ['Done', (replay) => `${replay.done} of ${replay.total}`],
  ['Succeeded', (replay) => replay.succeeded],
  ['Failed', (replay) => replay.failed],
  ['Retrying', (replay) => replay.retrying],
];

export const EVENT_TYPE_COLUMNS: Column<EventType>[] = [
  ['Name', (type) => type.name],
  ['Source', (type) => type.source],
  ['Description', (type) => type.description],
];

/** A delivery as one line of `deliveries list --follow`: a log to read as it grows, not a table to redraw. */
export function deliveryLine(delivery: DeliverySummary): string {
  const answer = delivery.lastAttempt ? `  ${attemptResult(delivery.lastAttempt)}` : '';
  return `${delivery.createdAt}  ${delivery.status.padEnd(9)}  ${delivery.id}  hook ${delivery.hookId}  event ${delivery.eventId}${answer}`;
}
