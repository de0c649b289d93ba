import mongoose, { type Connection } from 'mongoose';

/** Opens a connection of its own and builds the indexes the models declare. */
export async function connectMongo(uri: string): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
    autoIndex: false,
  });
  await connection.asPromise();
  return connection;
}

export async function syncIndexes(connection: Connection): Promise<void> {
  for (const model of Object.values(connection.models)) await model.createIndexes();
}

export async function pingMongo(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('MongoDB connection is not open');
  await db.admin().ping();
}
