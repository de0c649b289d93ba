import type { HandToLanes } from '../../activities/lane-hand-off';
import { hookLaneWorkflowId } from '../../shared/temporal-names';

/** For activity tests whose hooks are neither paced nor ordered: handing a delivery to a lane fails the test, naming the lanes. */
export const noLanes: HandToLanes = (lanes) =>
  Promise.reject(
    new Error(
      `no hook of this test is paced or ordered, yet ${[...lanes].map(hookLaneWorkflowId).join(', ')} got deliveries`,
    ),
  );
