import {
  GA4_LIMITS,
  GA4_RESERVED_EVENT_NAMES,
  GA4_RESERVED_EVENT_PREFIXES,
  GA4_RESERVED_PARAM_NAMES,
  GA4_RESERVED_PREFIXES,
} from '../../../targets/ga4/sender';
import type { TargetInput } from '../../../targets/catalogue';
import {
  isObject,
  parseJson,
  startFakeProvider,
  type FakeProvider,
  type FakeRequest,
  type FakeResponse,
} from './provider';

/**
 * Google Analytics 4's Measurement Protocol on loopback: /mp/collect answers
 * 204 to a valid request and counts anything else a violation; the validation
 * server /debug/mp/collect answers 200 with `validationMessages`, as Google
 * does. The rules are the ones Google documents (see targets/ga4/sender.ts
 * for the sources); the reserved-name lists are shared with the target, the
 * checks are written here again so that the fake does not echo the target.
 */

const MEASUREMENT_ID = 'G-HOOKFLOW42';
/** With characters the query encodes, so that tests see it hidden in both forms. */
const API_SECRET = 'fake+ga4/secret_Zq8';
const COLLECT = '/mp/collect';
const VALIDATE = '/debug/mp/collect';

/** Fields the MP reference documents, in the body and in an event. */
const BODY_FIELDS = new Set([
  'client_id',
  'user_id',
  'timestamp_micros',
  'user_properties',
  'user_data',
  'consent',
  'non_personalized_ads',
  'user_location',
  'device',
  'ip_override',
  'validation_behavior',
  'events',
]);
const EVENT_FIELDS = new Set(['name', 'params', 'timestamp_micros']);
const NAME_SYNTAX = /^[A-Za-z][A-Za-z0-9_]*$/;

interface ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode:
    | 'VALUE_INVALID'
    | 'VALUE_REQUIRED'
    | 'NAME_INVALID'
    | 'NAME_RESERVED'
    | 'VALUE_OUT_OF_BOUNDS'
    | 'EXCEEDED_MAX_ENTITIES';
}

function nameMessages(
  fieldPath: string,
  name: string,
  reserved: { names: ReadonlySet<string>; prefixes: readonly string[] },
): ValidationMessage[] {
  if (!NAME_SYNTAX.test(name) || name.length > GA4_LIMITS.nameLength) {
    return [
      {
        fieldPath,
        description: `Name [${name}] must start with a letter, hold only letters, digits and _, and be at most ${GA4_LIMITS.nameLength} characters.`,
        validationCode: 'NAME_INVALID',
      },
    ];
  }
  const lower = name.toLowerCase();
  if (reserved.names.has(lower) || reserved.prefixes.some((prefix) => lower.startsWith(prefix))) {
    return [{ fieldPath, description: `Name [${name}] is reserved.`, validationCode: 'NAME_RESERVED' }];
  }
  return [];
}

function timestampMessages(fieldPath: string, value: unknown, now: number): ValidationMessage[] {
  if (value === undefined) return [];
  const nowMicros = now * 1000;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return [{ fieldPath, description: 'timestamp_micros must be an integer.', validationCode: 'VALUE_INVALID' }];
  }
  if (value > nowMicros || nowMicros - value > GA4_LIMITS.backdateMs * 1000) {
    return [
      {
        fieldPath,
        description: 'timestamp_micros must be in the past, at most 72 hours back.',
        validationCode: 'VALUE_OUT_OF_BOUNDS',
      },
    ];
  }
  return [];
}

function paramMessages(path: string, params: unknown): ValidationMessage[] {
  if (params === undefined) return [];
  if (!isObject(params)) {
    return [{ fieldPath: path, description: 'params must be an object.', validationCode: 'VALUE_INVALID' }];
  }
  const entries = Object.entries(params);
  const messages: ValidationMessage[] =
    entries.length > GA4_LIMITS.paramsPerEvent
      ? [
          {
            fieldPath: path,
            description: `At most ${GA4_LIMITS.paramsPerEvent} params per event, got ${entries.length}.`,
            validationCode: 'EXCEEDED_MAX_ENTITIES',
          },
        ]
      : [];
  for (const [name, value] of entries) {
    const at = `${path}.${name}`;
    messages.push(...nameMessages(at, name, { names: GA4_RESERVED_PARAM_NAMES, prefixes: GA4_RESERVED_PREFIXES }));
    if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string') {
      messages.push({
        fieldPath: at,
        description: 'A value must be a string or a number.',
        validationCode: 'VALUE_INVALID',
      });
    } else if (typeof value === 'string' && [...value].length > GA4_LIMITS.paramValueLength) {
      messages.push({
        fieldPath: at,
        description: `A value must be at most ${GA4_LIMITS.paramValueLength} characters.`,
        validationCode: 'VALUE_OUT_OF_BOUNDS',
      });
    }
  }
  return messages;
}

function eventMessages(index: number, event: unknown, now: number): ValidationMessage[] {
  const path = `events[${index}]`;
  if (!isObject(event)) {
    return [{ fieldPath: path, description: 'An event must be an object.', validationCode: 'VALUE_INVALID' }];
  }
  const unknown = Object.keys(event).filter((field) => !EVENT_FIELDS.has(field));
  return [
    ...unknown.map((field): ValidationMessage => ({
      fieldPath: `${path}.${field}`,
      description: `Unknown event field ${field}.`,
      validationCode: 'NAME_INVALID',
    })),
    ...(typeof event.name === 'string'
      ? nameMessages(`${path}.name`, event.name, {
          names: GA4_RESERVED_EVENT_NAMES,
          prefixes: GA4_RESERVED_EVENT_PREFIXES,
        })
      : [
          {
            fieldPath: `${path}.name`,
            description: 'An event needs a name.',
            validationCode: 'VALUE_REQUIRED' as const,
          },
        ]),
    ...paramMessages(`${path}.params`, event.params),
    ...timestampMessages(`${path}.timestamp_micros`, event.timestamp_micros, now),
  ];
}

/** What Google's validation server would say of a request body. */
function ga4ValidationMessages(body: unknown, now = Date.now()): ValidationMessage[] {
  if (!isObject(body))
    return [{ fieldPath: '', description: 'The body must be an object.', validationCode: 'VALUE_INVALID' }];
  const messages = Object.keys(body)
    .filter((field) => !BODY_FIELDS.has(field))
    .map((field): ValidationMessage => ({
      fieldPath: field,
      description: `Unknown field ${field}.`,
      validationCode: 'NAME_INVALID',
    }));
  if (typeof body.client_id !== 'string' || body.client_id === '') {
    messages.push({
      fieldPath: 'client_id',
      description: 'client_id is required, as a string.',
      validationCode: 'VALUE_REQUIRED',
    });
  }
  messages.push(...timestampMessages('timestamp_micros', body.timestamp_micros, now));
  const { events } = body;
  if (!Array.isArray(events) || events.length === 0) {
    messages.push({
      fieldPath: 'events',
      description: 'At least one event is required.',
      validationCode: 'VALUE_REQUIRED',
    });
    return messages;
  }
  if (events.length > GA4_LIMITS.eventsPerRequest) {
    messages.push({
      fieldPath: 'events',
      description: `At most ${GA4_LIMITS.eventsPerRequest} events per request, got ${events.length}.`,
      validationCode: 'EXCEEDED_MAX_ENTITIES',
    });
  }
  events.forEach((event, index) => messages.push(...eventMessages(index, event, now)));
  return messages;
}

/** Problems with how the request reached Google: these get no answer from either endpoint but an error. */
function transportProblems(request: FakeRequest): string[] {
  const problems: string[] = [];
  if (request.method !== 'POST') problems.push(`method must be POST, got ${request.method}`);
  if (request.path !== COLLECT && request.path !== VALIDATE) problems.push(`unknown path ${request.path}`);
  if (request.query.get('measurement_id') !== MEASUREMENT_ID) {
    problems.push(`measurement_id must be ${MEASUREMENT_ID}, got ${request.query.get('measurement_id')}`);
  }
  if (request.query.get('api_secret') !== API_SECRET) problems.push('api_secret does not match the stream');
  if (!/^application\/json(;|$)/.test(request.headers['content-type'] ?? '')) {
    problems.push(`content-type must be application/json, got ${request.headers['content-type']}`);
  }
  const { problem } = parseJson(request);
  if (problem) problems.push(problem);
  return problems;
}

/** Google's front end says this to a refused request, echoing the URL it was asked for. */
function forbiddenPage(request: FakeRequest): string {
  return `<html><body><p>Your client does not have permission to get URL <code>${request.path}?${request.query.toString()}</code> from this server.</p></body></html>`;
}

export function startFakeGa4(): Promise<FakeProvider> {
  return startFakeProvider({
    name: 'ga4',
    check(request) {
      const problems = transportProblems(request);
      if (problems.length > 0 || request.path === VALIDATE) return problems;
      // /mp/collect would drop an invalid event silently: here that is a test failure.
      return ga4ValidationMessages(parseJson(request).value).map(
        (message) => `${message.validationCode} at ${message.fieldPath}: ${message.description}`,
      );
    },
    respond(answer, request): FakeResponse {
      if (answer === 'retryable') return { status: 503, body: 'Service Unavailable' };
      if (answer === 'permanent')
        return { status: 403, headers: { 'content-type': 'text/html' }, body: forbiddenPage(request) };
      if (request.path === COLLECT) return { status: 204 };
      const validationMessages = ga4ValidationMessages(parseJson(request).value);
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ validationMessages }),
      };
    },
  });
}

/** The target, as the API takes it, that sends to this fake with the credentials it expects. */
export function ga4TargetFor(fake: FakeProvider): Extract<TargetInput, { type: 'ga4' }> {
  return { type: 'ga4', measurementId: MEASUREMENT_ID, apiSecret: API_SECRET, baseUrl: fake.url };
}
