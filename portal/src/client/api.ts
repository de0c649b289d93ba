import createClient from 'openapi-fetch';
import type { paths } from './openapi';

/** The API's answers, by the types generated from its OpenAPI document (openapi.d.ts). */
type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
type Ok<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  responses: infer R;
}
  ? Json<R[Extract<keyof R, 200 | 201 | 202>]>
  : never;

export type Hook = Ok<'/v1/hooks', 'get'>['data'][number];
export type CreatedHook = Ok<'/v1/hooks', 'post'>;
export type CreateHookBody = NonNullable<paths['/v1/hooks']['post']['requestBody']>['content']['application/json'];
export type PatchHookBody = NonNullable<paths['/v1/hooks/{id}']['patch']['requestBody']>['content']['application/json'];
export type HookStats = Ok<'/v1/hooks/{id}/stats', 'get'>;
export type EventType = Ok<'/v1/event-types', 'get'>['data'][number];
export type DeliverySummary = Ok<'/v1/deliveries', 'get'>['data'][number];
export type DeliveryStatus = DeliverySummary['status'];
export type Delivery = Ok<'/v1/deliveries/{id}', 'get'>;
export type Attempt = Delivery['attempts'][number];
export type RotatedSecret = Ok<'/v1/hooks/{id}/rotate-secret', 'post'>;
export type TestOutcome = Ok<'/v1/hooks/{id}/test', 'post'>;
export type HookEvent = Ok<'/v1/events', 'get'>['data'][number];

/** A refusal of the API, with its `{error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The typed client, acting with the portal's key. Every call resolves to the answer's body or throws ApiError. */
export function createApi(key: string) {
  return createClient<paths>({ headers: { authorization: `Bearer ${key}` } });
}

export type Api = ReturnType<typeof createApi>;

/** The body of a call that answered 2xx; else its refusal as an ApiError. */
export async function answer<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Exclude<T, undefined>> {
  const { data, error, response } = await call;
  if (response.ok) return data as Exclude<T, undefined>;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  throw new ApiError(
    response.status,
    body.error?.code ?? 'http_error',
    body.error?.message ?? `HTTP ${response.status}`,
    body.error?.details,
  );
}
