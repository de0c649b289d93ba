import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before } from 'node:test';

/** How a fake answers the next request: as the provider does on success, on a passing failure, on a final one. */
export type FakeAnswer = 'ok' | 'retryable' | 'permanent';

/**
 * What an HTTP fake can answer besides: `gone`, the provider's way of saying
 * the target will never work again (410 unless the spec knows better);
 * `echo`, a 500 carrying back everything the request held (its URL, headers
 * and body), as a misconfigured proxy or receiver might.
 */
export type ProviderAnswer = FakeAnswer | 'gone' | 'echo';

export interface FakeRequest {
  method: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Text goes as UTF-8; bytes go as they are (a GIF, say). */
  body?: string | Buffer;
}

export interface FakeProviderSpec {
  name: string;
  /** What is wrong with a request by the provider's documented rules; empty when it is valid. */
  check(request: FakeRequest): string[];
  /** The provider's answer to a valid request. */
  respond(answer: FakeAnswer, request: FakeRequest): FakeResponse;
  /** The provider's own word for a target that is gone for good (Slack's no_service, say); 410 otherwise. */
  gone?(request: FakeRequest): FakeResponse;
}

const GONE: FakeResponse = { status: 410, headers: { 'content-type': 'text/plain' }, body: 'Gone' };

function echo(request: FakeRequest, url: string): FakeResponse {
  const { method, headers, body } = request;
  return {
    status: 500,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method, url, headers, body }),
  };
}

function answerTo(spec: FakeProviderSpec, answer: ProviderAnswer, request: FakeRequest, url: string): FakeResponse {
  if (answer === 'echo') return echo(request, url);
  if (answer === 'gone') return spec.gone?.(request) ?? GONE;
  return spec.respond(answer, request);
}

/**
 * A stand-in for a third-party API on loopback. Every request is checked
 * against the provider's wire format: a valid one is kept in `accepted` and
 * answered as scripted (`answers`, one per request, then `ok`); an invalid one
 * is answered 400 and kept in `violations`, which tests expect to stay empty.
 */
export async function startFakeProvider(spec: FakeProviderSpec) {
  const accepted: FakeRequest[] = [];
  const violations: { request: FakeRequest; problems: string[] }[] = [];
  const answers: ProviderAnswer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const request: FakeRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const problems = spec.check(request);
      if (problems.length > 0) {
        violations.push({ request, problems });
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ fake: spec.name, problems }));
        return;
      }
      accepted.push(request);
      const answer = answerTo(spec, answers.shift() ?? 'ok', request, req.url ?? '/');
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: spec.name,
    url: `http://127.0.0.1:${port}`,
    accepted,
    violations,
    /** Queues how the next requests are answered, in order. */
    script(...next: ProviderAnswer[]) {
      answers.push(...next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeProvider = Awaited<ReturnType<typeof startFakeProvider>>;

/** The body as JSON, or a problem saying it is not. */
export function parseJson(request: FakeRequest): { value?: unknown; problem?: string } {
  try {
    return { value: JSON.parse(request.body) as unknown };
  } catch {
    return { problem: `body is not JSON: ${request.body.slice(0, 100)}` };
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What every JSON webhook API checks first: a POST with a JSON content type
 * whose body is a JSON object. `body` is that object, when it is one;
 * `problems` says what is wrong, a body problem led by `payloadError` where the
 * provider has a name for it (Slack's `invalid_payload`).
 */
export function jsonObjectBody(
  request: FakeRequest,
  { payloadError }: { payloadError?: string } = {},
): { body?: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  if (request.method !== 'POST') problems.push(`method must be POST, not ${request.method}`);
  if (!request.headers['content-type']?.startsWith('application/json')) problems.push('content-type must be JSON');
  const invalid = (problem: string) => ({
    problems: [...problems, payloadError ? `${payloadError}: ${problem}` : problem],
  });
  const { value, problem } = parseJson(request);
  if (problem) return invalid(problem);
  if (!isObject(value)) return invalid('the body must be a JSON object');
  return { body: value, problems };
}

/** What `useFake` needs of a fake: the HTTP fakes and the SMTP one alike have it. */
interface CheckedFake {
  accepted: unknown[];
  violations: unknown[];
  close(): Promise<void>;
}

/** What every fake offers a test, whatever it stands in for: the SMTP one takes the plain answers only. */
export interface ScriptedFake<Answer extends ProviderAnswer = FakeAnswer> extends CheckedFake {
  /** Queues how the next requests (or mails) are answered, in order. */
  script(...answers: Answer[]): void;
}

/**
 * One fake for a whole suite: `start` runs before the first test; after each
 * test the fake must have seen no violation, and forgets what it accepted;
 * after the last, the fake closes, then `http`.
 */
export function useFake(start: () => Promise<CheckedFake>, http: { close(): Promise<void> }): void {
  let fake: CheckedFake | undefined;
  before(async () => {
    fake = await start();
  });
  afterEach(() => {
    assert.deepEqual(fake?.violations, []);
    if (fake) fake.accepted.length = 0;
  });
  after(async () => {
    await fake?.close();
    await http.close();
  });
}
