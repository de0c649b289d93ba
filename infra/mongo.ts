import mongoose, { type Connection } from 'mongoose';

/**
 * How soon a store that stops answering without closing its sockets (hung,
 * not gone) is noticed: a heartbeat every `heartbeatFrequencyMS`, given
 * `connectTimeoutMS` to answer; a missed one interrupts the operations
 * waiting on that server. The API answers people, so it notices within 4 s:
 * against a FerretDB stopped with SIGSTOP, requests answered 503 after 5.6 s
 * (the driver's retry of the interrupted read waits 2 s more for a server),
 * where they answered 500 after 38 s before (test/outage.test.ts). The worker
 * keeps the driver's defaults (10 s, 30 s): its activities are retried
 * anyway, and a big fan-out may hold its event loop long enough to miss a
 * tight heartbeat.
 */
export const QUICK_HANG_DETECTION = { heartbeatFrequencyMS: 1_000, connectTimeoutMS: 3_000 } as const;

/**
 * Opens a connection of its own. While the store is unreachable, operations
 * fail with the driver's own error classes within seconds: mongoose would
 * otherwise queue them while disconnected (`bufferCommands`) and fail them
 * after 10 s with an untyped error; and an operation waits at most 2 s for a
 * server to answer at all.
 */
export async function connectMongo(uri: string, hangDetection?: typeof QUICK_HANG_DETECTION): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    bufferCommands: false,
    serverSelectionTimeoutMS: 2_000,
    ...hangDetection,
    autoIndex: false,
  });
  await connection.asPromise();
  return connection;
}

/** What FerretDB 1.24 answers an index option it lacks: `expireAfterSeconds` (TTL indexes). */
const NOT_IMPLEMENTED = 238;

/**
 * Creates every model's indexes. A TTL index is MongoDB's alone: FerretDB
 * 1.24 refuses the option, and what the index would expire stays (see
 * infra/models/hook-stats.ts). A model declares its TTL index last, so that
 * its other indexes are made before the refusal; only a model with one may
 * be refused so.
 */
export async function syncIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) {
    const hasTtlIndex = model.schema.indexes().some(([, options]) => options?.expireAfterSeconds !== undefined);
    try {
      await model.createIndexes();
    } catch (error) {
      const refusedTtl =
        hasTtlIndex && error instanceof mongoose.mongo.MongoServerError && error.code === NOT_IMPLEMENTED;
      if (!refusedTtl) throw error;
    }
  }
}

/** Resolves once the store answers a ping; `signal` abandons the wait. */
export async function pingMongo(connection: Connection, signal?: AbortSignal): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('MongoDB connection is not open');
  await db.command({ ping: 1 }, { signal });
}
