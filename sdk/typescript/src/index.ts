export { Hookflow } from './client.js';
export type { HookflowOptions, RequestOptions } from './transport.js';
export { Paginated, type Page, type ItemOf } from './pagination.js';
export { verifyWebhook, type WebhookHeaders } from './webhooks.js';
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
export type { components, operations, paths } from './generated/openapi.js';
