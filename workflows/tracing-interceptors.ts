/**
 * Not a workflow: the workflow interceptors of OpenTelemetry tracing
 * (infra/tracing.ts), loaded in the sandbox by a traced worker only (from
 * workflowModules, or built into the prebuilt bundle's traced twin, see
 * scripts/bundle-workflows.ts). They trace a workflow whose start carried a
 * trace context (a traced API's or worker's start): its run (RunWorkflow),
 * the activities it schedules (StartActivity) and what it starts, signals or
 * continues as. A workflow started without one (a Temporal Schedule's) runs
 * as if they were not there, as its activities do (infra/tracing.ts).
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
