export { deliverEvent } from './deliver-event';
export { retryDelivery } from './retry-delivery';
export { testHook } from './test-hook';
