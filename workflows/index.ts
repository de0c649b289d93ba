export { deliverDispatch } from './deliver-dispatch';
export { disableFailingHook } from './disable-hook';
export { enforceRetention } from './enforce-retention';
export { replayDeliveries } from './replay-deliveries';
export { resumePausedDeliveries } from './resume-paused';
export { retryDelivery } from './retry-delivery';
export { scheduledRecovery } from './scheduled-recovery';
export { testHook } from './test-hook';
