import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResourcesSync, envDetectorSync, Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingSettings } from './config';

/**
 * OpenTelemetry tracing for one process, set up only when OTEL_* names a
 * collector (Config.tracing): otherwise nothing here runs, the global tracer
 * stays OpenTelemetry's no-op and no interceptor is installed.
 */
export interface Tracing {
  /** For a Temporal client: a StartWorkflow span per start, its context passed on in the workflow's headers. */
  clientInterceptors: ClientInterceptors;
  /** For a worker: RunActivity spans, children of their workflow's StartActivity. */
  workerInterceptors: Pick<WorkerInterceptors, 'activity'>;
  /** The sink through which workflows (in their sandbox) hand their spans to this process's exporter. */
  workflowSinks: InjectedSinks<OpenTelemetrySinks>;
  /** Sends what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** Registers the global tracer provider, exporting over OTLP/HTTP in batches. Once per process. */
export function startTracing(settings: TracingSettings, processName: string): Tracing {
  const resource = Resource.default()
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }))
    .merge(new Resource({ [ATTR_SERVICE_NAME]: settings.serviceName ?? processName }));
  const exporter =
    settings.protocol === 'http/json'
      ? new OtlpJsonExporter({ url: settings.tracesUrl })
      : new OtlpProtobufExporter({ url: settings.tracesUrl });
  const processor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: settings.scheduleDelayMs });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // The W3C trace context propagator and the AsyncLocalStorage context manager: the API's request span
  // follows its handler's awaits, an activity's span its sends.
  provider.register();
  const clientInterceptors: ClientInterceptors = { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
  return {
    clientInterceptors,
    workerInterceptors: {
      activity: [
        (ctx) => {
          const traced = new OpenTelemetryActivityInboundInterceptor(ctx);
          return {
            // Like its workflow (workflows/tracing-interceptors.ts), an activity without a trace context
            // (a scheduled workflow's) is not traced.
            inbound: {
              execute: (input, next) => (TRACE_HEADER in input.headers ? traced.execute(input, next) : next(input)),
            },
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          };
        },
      ],
    },
    workflowSinks: { exporter: makeWorkflowExporter(processor, resource) },
    shutdown: () => provider.shutdown(),
  };
}
