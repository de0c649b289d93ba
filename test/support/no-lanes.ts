import type { HandToLanes } from '../../activities/lane-hand-off';

/** For activity tests whose hooks are not paced: handing a delivery to a lane fails the test, naming the hooks. */
export const noLanes: HandToLanes = (hookIds) =>
  Promise.reject(new Error(`no hook of this test is paced, yet ${[...hookIds].join(', ')} went to a lane`));
