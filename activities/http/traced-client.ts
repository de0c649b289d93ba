import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { HttpClient } from './client';

/** Where a send goes, as OpenTelemetry's HTTP conventions name it; nothing for a URL that does not parse (its send fails). */
function targetAttributes(target: string): Attributes {
  if (!URL.canParse(target)) return {};
  const url = new URL(target);
  return {
    'url.scheme': url.protocol.replace(/:$/, ''),
    'server.address': url.hostname,
    'server.port': url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
  };
}

/**
 * Each send as an OpenTelemetry client span, a child of the activity's span
 * (RunActivity), for a traced worker (infra/tracing.ts); only sends inside a
 * trace get one. The span names the target's scheme, host and port, never its
 * path or query: many target URLs hold their credentials there (Slack and
 * Discord webhook URLs, Telegram's bot token). No trace context goes to the
 * receiver (no `traceparent`): it is a third party, whose tracing has no
 * business joining ours.
 */
export function traceSends(client: HttpClient): HttpClient {
  const tracer = trace.getTracer('hookflow-http');
  return {
    send: (req) => {
      // A send outside any trace (an untraced activity's, see infra/tracing.ts) would be a trace of its own.
      if (!trace.getActiveSpan()) return client.send(req);
      return tracer.startActiveSpan(
        req.method,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'http.request.method': req.method, ...targetAttributes(req.url) },
        },
        async (span) => {
          try {
            const result = await client.send(req);
            if (result.kind === 'response') {
              span.setAttribute('http.response.status_code', result.statusCode);
              if (result.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
            } else {
              span.setAttribute('error.type', result.errorKind);
              span.setStatus({ code: SpanStatusCode.ERROR, message: result.message });
            }
            return result;
          } finally {
            span.end();
          }
        },
      );
    },
    close: () => client.close(),
  };
}
