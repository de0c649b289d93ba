export { deliverEvent } from './deliver-event';
export { testHook } from './test-hook';
