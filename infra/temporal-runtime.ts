import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { FAILED_DELIVERY_WORKFLOW } from '../shared/temporal-names';
import type { Logger } from './logger';

const TEMPORAL_LOG_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };

/**
 * A failedDelivery workflow exists to fail (so that the Web UI's failure
 * views list a delivery that failed outside a retry workflow), and the worker
 * has logged that failure already as "Delivery failed for good": the SDK's own
 * "Workflow failed" line for it, at WARN, would say it a second time. Told by
 * the workflow type: the error reaches this logger out of the workflow
 * sandbox as a plain Error, without its failure type.
 */
const failsOnPurpose = (meta: Record<string, unknown> | undefined) => meta?.workflowType === FAILED_DELIVERY_WORKFLOW;

/**
 * Sends the SDK's own logs through our logger, at our level, and, given an
 * address, has it serve its Prometheus metrics there (names as the SDK's
 * defaults make them, which Temporal's published dashboards expect). Once per process.
 */
export function installTemporalRuntime(logger: Logger, prometheusAddress?: string): void {
  const level = TEMPORAL_LOG_LEVELS[logger.level] ?? 'ERROR';
  Runtime.install({
    ...(prometheusAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: prometheusAddress } } } } : {}),
    logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
      const method = failsOnPurpose(meta)
        ? 'debug'
        : entryLevel === 'TRACE'
          ? 'trace'
          : (entryLevel.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
      logger[method]({ ...meta, source: 'temporal' }, message);
    }),
  });
}
