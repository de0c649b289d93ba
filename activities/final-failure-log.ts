import { log } from '@temporalio/activity';
import type { AttemptWatcher } from './attempt-watchers';

/**
 * Logs each delivery that failed for good, at its first attempt or its last,
 * with what an operator searches by. Through the SDK's activity logger, which
 * the worker sends to its pino logger with the workflow's and activity's ids.
 */
export const finalFailureLog: AttemptWatcher = {
  name: 'final-failure-log',
  stepsRecorded(steps) {
    for (const { step, result, deliveryId, eventId, hookId, ownerId, eventType, targetType, attemptsMade } of steps) {
      if (step.status !== 'failed') continue;
      log.warn('Delivery failed for good', {
        deliveryId,
        eventId,
        hookId,
        ownerId,
        eventType,
        targetType,
        attemptsMade,
        reason: step.failureReason,
        ...(result?.attempt.statusCode ? { statusCode: result.attempt.statusCode } : {}),
        ...(result?.attempt.errorKind ? { errorKind: result.attempt.errorKind } : {}),
      });
    }
  },
};
