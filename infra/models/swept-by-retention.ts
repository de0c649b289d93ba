import type { Schema } from 'mongoose';
import { createdHourOf } from '../../core/created-hour';

/**
 * For the collections retention sweeps (deliveries, replays, events): the
 * hour of creation, stamped when the document is made (records inserted lean,
 * without mongoose's defaults, stamp it themselves: see firstAttemptRecord),
 * and the index that serves the sweep's `{createdHour}` deletes and its
 * `{createdHour, createdAt: {$lt}}` delete of the hour the cutoff falls in.
 * The default is taken a moment before mongoose stamps `createdAt`: at an
 * hour's turn a record may name the hour before, and go a few milliseconds early.
 */
export function sweptByRetention(schema: Schema): void {
  schema.add({ createdHour: { type: String, default: () => createdHourOf(new Date()) } });
  schema.index({ createdHour: 1, createdAt: 1 });
}
