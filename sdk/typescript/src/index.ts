export { Hookflow } from './client.js';
export type { HookflowOptions, RequestOptions } from './transport.js';
export { Paginated, type Page, type ItemOf } from './pagination.js';
export { verifyWebhook, type VerifyWebhookOptions, type WebhookHeaders } from './webhooks.js';
export {
  HookflowError,
  ValidationError,
  AuthenticationError,
  PermissionError,
  NotFoundError,
  ConflictError,
  UnprocessableError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  ConnectionError,
  TimeoutError,
  WebhookVerificationError,
  type HookflowErrorFields,
} from './errors.js';
export * from './generated/resources.js';
// openapi-typescript's types: `webhooks` are the operational events Hookflow itself sends.
export type { components, operations, paths, webhooks } from './generated/openapi.js';
