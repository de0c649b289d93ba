import type { HandOffs } from '../activities/first-attempts';

/** Whether a delivering call has anything to hand on (handOnFailures): most have not, and spare the workflow an activity. */
export function hasHandOffs({ retries, failures, hooksToDisable }: HandOffs): boolean {
  return retries.length + failures.length + hooksToDisable.length > 0;
}
