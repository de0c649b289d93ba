/**
 * Not a workflow: the workflow interceptors of OpenTelemetry tracing
 * (infra/tracing.ts), loaded in the sandbox by a traced worker, and always
 * part of the prebuilt bundle (scripts/bundle-workflows.ts), which cannot know
 * whether the worker that loads it traces. So they trace only a workflow whose
 * start carried a trace context (a traced API's or worker's start): its run
 * (RunWorkflow), the activities it schedules (StartActivity) and what it
 * starts, signals or continues as; any other workflow runs as if they were not there.
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import type { WorkflowInterceptors } from '@temporalio/workflow';

export const interceptors = (): WorkflowInterceptors => {
  /** Set once the workflow's start has shown a trace context. */
  let traced: OpenTelemetryOutboundInterceptor | undefined;
  return {
    inbound: [
      {
        execute: (input, next) => {
          if (!(TRACE_HEADER in input.headers)) return next(input);
          traced = new OpenTelemetryOutboundInterceptor();
          return new OpenTelemetryInboundInterceptor().execute(input, next);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => (traced ? traced.scheduleActivity(input, next) : next(input)),
        scheduleLocalActivity: (input, next) => (traced ? traced.scheduleLocalActivity(input, next) : next(input)),
        startChildWorkflowExecution: (input, next) =>
          traced ? traced.startChildWorkflowExecution(input, next) : next(input),
        continueAsNew: (input, next) => (traced ? traced.continueAsNew(input, next) : next(input)),
        signalWorkflow: (input, next) => (traced ? traced.signalWorkflow(input, next) : next(input)),
        // The workflow's log lines (through the SDK's logger) name its trace_id and span_id.
        getLogAttributes: (input, next) => (traced ? traced.getLogAttributes(input, next) : next(input)),
      },
    ],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
