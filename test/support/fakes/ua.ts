import { UA_LIMITS } from '../../../targets/ua/sender';
import type { TargetInput } from '../../../targets/catalogue';
import { startFakeProvider, type FakeProvider, type FakeRequest } from './provider';

/**
 * Universal Analytics' Measurement Protocol v1 /collect on loopback: a valid
 * event hit is answered 200 with a 1x1 GIF, as Google does. The rules are the
 * v1 parameter reference's (see targets/ua/sender.ts for the source).
 */

const TRACKING_ID = 'UA-12345678-1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The parameters an event hit may carry here; UA has more, Hookflow sends none of them. */
const KNOWN = new Set(['v', 'tid', 'cid', 't', 'ec', 'ea', 'el', 'ev', 'qt', 'ds', 'ni', 'uid', 'z']);
/** "Values greater than four hours may lead to hits not being processed." */
const MAX_QUEUE_TIME_MS = 4 * 60 * 60 * 1000;
/** The 1x1 transparent GIF /collect answers with. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function byteProblems(hit: URLSearchParams): string[] {
  return (['ec', 'ea', 'el'] as const).flatMap((name) => {
    const value = hit.get(name);
    return value !== null && Buffer.byteLength(value) > UA_LIMITS[name]
      ? [`${name} is ${Buffer.byteLength(value)} bytes, more than ${UA_LIMITS[name]}`]
      : [];
  });
}

function integerProblem(hit: URLSearchParams, name: string, max = Number.MAX_SAFE_INTEGER): string[] {
  const value = hit.get(name);
  if (value === null) return [];
  return /^\d+$/.test(value) && Number(value) <= max
    ? []
    : [`${name} must be an integer from 0 to ${max}, got ${value}`];
}

function hitProblems(request: FakeRequest): string[] {
  const problems: string[] = [];
  if (request.method !== 'POST') problems.push(`method must be POST, got ${request.method}`);
  if (request.path !== '/collect') problems.push(`unknown path ${request.path}`);
  if (!/^application\/x-www-form-urlencoded(;|$)/.test(request.headers['content-type'] ?? '')) {
    problems.push(`content-type must be application/x-www-form-urlencoded, got ${request.headers['content-type']}`);
  }
  if (Buffer.byteLength(request.body) > UA_LIMITS.bodyBytes) problems.push(`body is over ${UA_LIMITS.bodyBytes} bytes`);
  const hit = new URLSearchParams(request.body);
  const unknown = [...new Set(hit.keys())].filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) problems.push(`unknown parameters ${unknown.join(', ')}`);
  const repeated = [...new Set(hit.keys())].filter((name) => hit.getAll(name).length > 1);
  if (repeated.length > 0) problems.push(`repeated parameters ${repeated.join(', ')}`);
  if (hit.get('v') !== '1') problems.push(`v must be 1, got ${hit.get('v')}`);
  if (!/^UA-\d{4,10}-\d{1,4}$/.test(hit.get('tid') ?? ''))
    problems.push(`tid is not a UA tracking id: ${hit.get('tid')}`);
  else if (hit.get('tid') !== TRACKING_ID) problems.push(`tid must be ${TRACKING_ID}, got ${hit.get('tid')}`);
  if (!UUID.test(hit.get('cid') ?? '')) problems.push(`cid must be a UUID, got ${hit.get('cid')}`);
  if (hit.get('t') !== 'event') problems.push(`t must be event, got ${hit.get('t')}`);
  for (const name of ['ec', 'ea']) if (!hit.get(name)) problems.push(`${name} is required for an event hit`);
  return [
    ...problems,
    ...byteProblems(hit),
    ...integerProblem(hit, 'ev'),
    ...integerProblem(hit, 'qt', MAX_QUEUE_TIME_MS),
  ];
}

export function startFakeUa(): Promise<FakeProvider> {
  return startFakeProvider({
    name: 'ua',
    check: hitProblems,
    respond(answer) {
      if (answer === 'retryable') return { status: 503, body: 'Service Unavailable' };
      if (answer === 'permanent') return { status: 400, body: 'Bad Request' };
      return { status: 200, headers: { 'content-type': 'image/gif' }, body: PIXEL };
    },
  });
}

/** The target, as the API takes it, that sends to this fake with the tracking id it expects. */
export function uaTargetFor(fake: FakeProvider): Extract<TargetInput, { type: 'ua' }> {
  return { type: 'ua', trackingId: TRACKING_ID, baseUrl: fake.url };
}
