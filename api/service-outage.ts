import { status } from '@grpc/grpc-js';
import mongoose from 'mongoose';
import { causeChain, ServiceUnavailableError } from '../core/errors';
import { temporalStatusOf } from '../infra/temporal-client';

const { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError } = mongoose.mongo;

/** Errors of the MongoDB driver that say the store could not be reached, not that it refused the operation. */
function isStoreUnreachable(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoNotConnectedError
  );
}

/** UNAVAILABLE: the server could not be reached; DEADLINE_EXCEEDED: it did not answer within our deadline. */
const TEMPORAL_UNREACHABLE = new Set<number | undefined>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

/** The outage an error stands for, if it stands for one. */
export function serviceOutage(error: unknown): ServiceUnavailableError | undefined {
  if ([...causeChain(error)].some(isStoreUnreachable)) return new ServiceUnavailableError('mongodb');
  if (TEMPORAL_UNREACHABLE.has(temporalStatusOf(error))) return new ServiceUnavailableError('temporal');
  return undefined;
}
