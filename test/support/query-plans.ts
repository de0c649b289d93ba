import mongoose, { type Connection, type mongo } from 'mongoose';

type Document = mongo.Document;

/** Commands that only write new documents or go on with a cursor: nothing to plan. */
const NOTHING_TO_PLAN = new Set(['insert', 'getMore', 'killCursors', 'endSessions']);

/** A read of the documents a data command selects, as a `find` the server can explain. */
export interface PlannedRead {
  /** What the app sent, for the failure message. */
  sent: string;
  find: Document;
}

/**
 * A connection whose every command is recorded (the driver's command
 * monitoring), so that a test sees the queries the app's code really sends,
 * whatever shape its code gives them.
 */
export async function connectRecording(uri: string) {
  const connection = mongoose.createConnection(uri, {
    autoIndex: false,
    bufferCommands: false,
    serverSelectionTimeoutMS: 2_000,
    monitorCommands: true,
  });
  await connection.asPromise();
  let recorded: Document[] = [];
  connection.getClient().on('commandStarted', (event) => {
    if (!NOTHING_TO_PLAN.has(event.commandName)) recorded.push(event.command);
  });
  return {
    connection,
    /** The commands sent while `work` ran. */
    async commandsOf(work: () => Promise<unknown>): Promise<Document[]> {
      recorded = [];
      await work();
      return recorded;
    },
  };
}

/** The driver would send an absent option as null, which the server refuses. */
function definedOnly(fields: Document): Document {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The reads a command makes, each as a `find` of the same filter. FerretDB
 * 1.24 answers `explain` of an update, a delete or a findAndModify with the
 * whole table's plan (a Seq Scan and `filterPushdown: false` even for
 * `{_id}`, tried here), while it selects their documents with the same
 * pushed-down filter as a find: the find is what can be explained on both
 * stores. Throws on a command this does not know, so that a new kind of query
 * is not let through unchecked.
 */
export function readsOf(command: Document): PlannedRead[] {
  // A sort arrives as a Map (the driver keeps its keys' order), which JSON would show as {}.
  const sent = JSON.stringify(command, (key, value: unknown) =>
    key === 'lsid' || key === '$db' ? undefined : value instanceof Map ? Object.fromEntries(value) : value,
  );
  if (command.find !== undefined) {
    const { find, filter, sort, projection, limit } = command;
    return [{ sent, find: definedOnly({ find, filter, sort, projection, limit }) }];
  }
  // Before `update`: a findAndModify carries its update document under that name.
  if (command.findAndModify !== undefined) {
    return [{ sent, find: definedOnly({ find: command.findAndModify, filter: command.query, sort: command.sort }) }];
  }
  if (command.update !== undefined) {
    return (command.updates as { q: Document }[]).map((update) => ({
      sent,
      find: { find: command.update, filter: update.q },
    }));
  }
  if (command.delete !== undefined) {
    return (command.deletes as { q: Document }[]).map((del) => ({
      sent,
      find: { find: command.delete, filter: del.q },
    }));
  }
  throw new Error(`No plan check for this command yet: ${sent}`);
}

/**
 * Why the server would scan a table for the read, or undefined when an index
 * serves it. MongoDB: a COLLSCAN stage in the winning plan. FerretDB on
 * PostgreSQL passes PostgreSQL's plan on, with whether it pushed the filter
 * down to SQL: a Seq Scan anywhere in it, or a filter FerretDB evaluates in Go
 * on every row (filterPushdown false), is a scan. FerretDB on SQLite has no
 * index its SQL can use, so nothing can hold there: that is reported, not passed.
 */
export async function scanReason(connection: Connection, read: PlannedRead): Promise<string | undefined> {
  const explained = await connection.db!.command({ explain: read.find, verbosity: 'queryPlanner' });
  const planner = explained.queryPlanner as Document | undefined;
  const plan = JSON.stringify(planner);
  if (planner?.winningPlan) {
    return /"stage":"COLLSCAN"/.test(plan) ? `a COLLSCAN on MongoDB: ${plan}` : undefined;
  }
  // SQLite's plan has a Plan too, without PostgreSQL's node types.
  if (/"Node Type"/.test(plan)) {
    if (/"Node Type":"Seq Scan"/.test(plan)) return `a Seq Scan on PostgreSQL: ${plan}`;
    if (explained.filterPushdown !== true && Object.keys(read.find.filter ?? {}).length > 0) {
      return 'a filter FerretDB did not push down to PostgreSQL (it reads every row and filters in Go)';
    }
    return undefined;
  }
  return `a store whose plans say nothing about indexes (FerretDB on SQLite scans every table: run with HOOKFLOW_DEV_STORE=postgresql): ${JSON.stringify(explained)}`;
}
