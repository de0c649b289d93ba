import { Context } from '@temporalio/activity';

/** Tells Temporal the worker is alive even while every send of a slice waits on a slow receiver. */
const HEARTBEAT_EVERY_MS = 5_000;

/** The progress reporter of each activity that keeps heartbeating, which work nested in it shares. */
const heartbeats = new WeakMap<Context, (details: unknown) => void>();

/**
 * Runs `work` with the activity heartbeating every few seconds throughout,
 * slow sends and slow queries included. `work` may report progress, which
 * every later beat carries: Temporal keeps the last beat's details for a
 * retried try to resume from, so a bare beat would wipe them. Work nested in
 * a heartbeating activity shares its heartbeat rather than starting another.
 */
export async function keepHeartbeating<T>(work: (progress: (details: unknown) => void) => Promise<T>): Promise<T> {
  const context = Context.current();
  const running = heartbeats.get(context);
  if (running) return work(running);
  // A local activity has no heartbeat: it runs inside a workflow task, which the worker keeps alive.
  if (context.info.isLocal) return work(() => undefined);
  let latest: unknown;
  const progress = (details: unknown) => {
    latest = details;
    context.heartbeat(latest);
  };
  const timer = setInterval(() => context.heartbeat(latest), HEARTBEAT_EVERY_MS);
  heartbeats.set(context, progress);
  try {
    return await work(progress);
  } finally {
    clearInterval(timer);
    heartbeats.delete(context);
  }
}
