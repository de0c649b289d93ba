import { OPERATIONAL_CATALOGUE } from '../core/operational-events';
/** A JSON Schema, as api/openapi.ts has it (which imports this file). */
type JsonSchema = Record<string, unknown>;

/**
 * Hookflow's operational events (core/operational-events.ts) as OpenAPI 3.1
 * `webhooks`: what a hook subscribed to them receives, in the `standard`
 * format, each one's `data` a component named after its type. Their schemas
 * are the catalogue's, which GET /v1/event-types serves too.
 */

export interface WebhookOperation {
  operationId: string;
  summary: string;
  description: string;
  requestBody: { required: true; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { description: string }>;
}

/** `hookflow.hook.disabled` → `HookflowHookDisabledData`. */
function dataComponentName(type: string): string {
  return `${type
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}Data`;
}

/** An OpenAPI document's `webhooks`, and the components they refer to. */
export interface Webhooks {
  webhooks: Record<string, { post: WebhookOperation }>;
  components: Record<string, JsonSchema>;
}

export function operationalWebhooks(): Webhooks {
  const webhooks: Record<string, { post: WebhookOperation }> = {};
  const components: Record<string, JsonSchema> = {};
  for (const entry of OPERATIONAL_CATALOGUE) {
    const component = dataComponentName(entry.name);
    components[component] = entry.schema;
    webhooks[entry.name] = {
      post: {
        operationId: `webhook_${entry.name.replaceAll('.', '_')}`,
        summary: entry.description,
        description:
          'Sent to the hooks subscribed to it (by name, `hookflow.*` or `hookflow.hook.*`; not `*`), of the ' +
          "hook's owner and of HOOKFLOW_OPERATOR_OWNER, signed as every delivery is (Standard Webhooks), never to " +
          'the hook it is about. Shown in the `standard` format; other formats render the same event their way.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['type', 'timestamp', 'data'],
                properties: {
                  type: { const: entry.name },
                  timestamp: { type: 'string', format: 'date-time' },
                  data: { $ref: `#/components/schemas/${component}` },
                },
              },
            },
          },
        },
        responses: { '2XX': { description: 'Received; any other answer is retried or fails as any delivery does' } },
      },
    };
  }
  return { webhooks, components };
}
