// The one place that knows where the SDK is: the CLI calls the API through it only.
import type { Schemas } from '../sdk/typescript/src/index.js';

export * from '../sdk/typescript/src/index.js';

export type AttemptDetail = Schemas['AttemptDetail'];
export type Delivery = Schemas['Delivery'];
export type DeliverySummary = Schemas['DeliverySummary'];
export type Event = Schemas['Event'];
export type EventType = Schemas['EventType'];
export type Hook = Schemas['Hook'];
export type OwnerSummary = Schemas['OwnerSummary'];
export type Replay = Schemas['Replay'];
export type HooksCreateRequest = Schemas['HooksCreateRequest'];
export type EventsCreateRequest = Schemas['EventsCreateRequest'];
