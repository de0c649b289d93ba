import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import {
  Client,
  type ClientInterceptors,
  Connection,
  defaultGrpcRetryOptions,
  isGrpcServiceError,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from './config';
import { causeChain } from '../core/errors';
import { SEARCH_ATTRIBUTES } from '../shared/temporal-names';

/**
 * How long one call to Temporal may take, the SDK's retries of an unreachable
 * server included. Without a deadline the SDK retries UNAVAILABLE ten times
 * and a producer waited up to 50 s for an answer while the server was down.
 */
export const TEMPORAL_CALL_TIMEOUT_MS = 5_000;

/** Long polls wait for news by design (a workflow's result); their callers bound that wait themselves. */
const LONG_POLLS = new Set(['/temporal.api.workflowservice.v1.WorkflowService/GetWorkflowExecutionHistory']);

/** Gives every call that has no deadline of its own (`withDeadline`) one of TEMPORAL_CALL_TIMEOUT_MS. */
const defaultDeadline: Interceptor = (options, nextCall) =>
  new InterceptingCall(
    nextCall(
      options.deadline !== undefined || LONG_POLLS.has(options.method_definition.path)
        ? options
        : { ...options, deadline: Date.now() + TEMPORAL_CALL_TIMEOUT_MS },
    ),
  );

/** `interceptors`: tracing's (infra/tracing.ts), when it is on. */
export async function connectTemporalClient(
  config: Config['temporal'],
  interceptors?: ClientInterceptors,
): Promise<Client> {
  const connection = await Connection.connect({
    address: config.address,
    connectTimeout: '5s',
    // The deadline comes first, so that it bounds the retries as a whole.
    interceptors: [defaultDeadline, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
  });
  return new Client({ connection, namespace: config.namespace, ...(interceptors ? { interceptors } : {}) });
}

/** The gRPC status Temporal answered a call with (in the SDK's errors, the cause); undefined for other errors. */
export function temporalStatusOf(error: unknown): number | undefined {
  for (const cause of causeChain(error)) if (isGrpcServiceError(cause)) return cause.code;
  return undefined;
}

/** Resolves once the server answers for our namespace; `signal` abandons the wait. */
export async function pingTemporal(client: Client, signal?: AbortSignal): Promise<void> {
  const describe = () => client.workflowService.describeNamespace({ namespace: client.options.namespace });
  await (signal ? client.withAbortSignal(signal, describe) : describe());
}

const INDEXED_VALUE_TYPES = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
} as const;

type OurSearchAttribute = (typeof SEARCH_ATTRIBUTES)[keyof typeof SEARCH_ATTRIBUTES];

/** Registers `keys` in the client's namespace. */
export async function addSearchAttributes(client: Client, keys: readonly OurSearchAttribute[]): Promise<void> {
  await client.connection.operatorService.addSearchAttributes({
    namespace: client.options.namespace,
    searchAttributes: Object.fromEntries(keys.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]])),
  });
}

/**
 * Registers our search attributes where missing, so that a fresh Temporal
 * server (compose, a new namespace) works without a manual step.
 */
export async function ensureSearchAttributes(client: Client): Promise<void> {
  const namespace = client.options.namespace;
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((key) => !customAttributes?.[key.name]);
  if (missing.length > 0) await addSearchAttributes(client, missing);
}
