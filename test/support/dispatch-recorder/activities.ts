import type { DeliverDispatchInput } from '../../../shared/dispatch';

export interface RecordedDispatch {
  workflowId: string;
  input: DeliverDispatchInput;
}

export interface RecorderActivities {
  recordDispatch(workflowId: string, input: DeliverDispatchInput): Promise<void>;
}

/** Activities that append every dispatch they are handed to `recorded`. */
export function recorderActivities(recorded: RecordedDispatch[]): RecorderActivities {
  return {
    recordDispatch(workflowId, input) {
      recorded.push({ workflowId, input });
      return Promise.resolve();
    },
  };
}
