import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { isPrivateAddress, PrivateAddressError, targetProblem } from '../../core/address-guard';

export const MAX_RESPONSE_BODY_BYTES = 4 * 1024;
const USER_AGENT = 'Hookflow/0.1 (+webhooks)';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export type HttpResult =
  | {
      kind: 'response';
      statusCode: number;
      headers: Record<string, string>;
      /** At most MAX_RESPONSE_BODY_BYTES of the answer. */
      body: string;
    }
  | { kind: 'error'; errorKind: HttpErrorKind; message: string };

export type HttpErrorKind = 'timeout' | 'connection' | 'dns' | 'private_address' | 'tls' | 'other';

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResult>;
  close(): Promise<void>;
}

/** How names are resolved: every answer at once, so that each can be judged. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * Resolves names as usual, then refuses private answers: checking after
 * resolution, on the address actually dialled, defeats DNS rebinding.
 * Tests give their own `resolve`, to answer addresses no test may dial.
 */
export function guardedLookup(resolve: ResolveAll = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => isPrivateAddress(a.address));
      if (refused) return callback(new PrivateAddressError(refused.address), '', 0);
      if (options.all) return callback(null, addresses, 0);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function classify(error: unknown): { errorKind: HttpErrorKind; message: string } {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof PrivateAddressError) return { errorKind: 'private_address', message };
  if (
    (error instanceof Error && error.name === 'TimeoutError') ||
    cause instanceof undiciErrors.HeadersTimeoutError ||
    cause instanceof undiciErrors.BodyTimeoutError ||
    cause instanceof undiciErrors.ConnectTimeoutError
  ) {
    return { errorKind: 'timeout', message };
  }
  const code = (cause as { code?: string }).code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { errorKind: 'dns', message };
  if (code.startsWith('ERR_TLS') || code.includes('CERT')) return { errorKind: 'tls', message };
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code) ||
    cause instanceof undiciErrors.SocketError
  ) {
    return { errorKind: 'connection', message };
  }
  return { errorKind: 'other', message };
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= MAX_RESPONSE_BODY_BYTES) break;
  }
  // Leaving the loop early destroys the stream, so a huge answer is never read whole.
  return recordableText(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BODY_BYTES));
}

/**
 * The answer as text for its delivery record. Bytes that are not UTF-8 become
 * U+FFFD, and so does U+0000, which PostgreSQL's jsonb cannot hold (FerretDB
 * on PostgreSQL refused the whole record of a delivery whose receiver, UA,
 * answered a GIF pixel): a binary answer is recorded as the same mangled text on every store.
 */
function recordableText(bytes: Buffer): string {
  return bytes.toString('utf8').replaceAll('\0', '\uFFFD');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * The one way Hookflow talks HTTP to the outside: no redirects followed (a 3xx
 * is an answer, not a detour), a hard timeout per attempt, a capped response
 * body, and the private-address guard unless private targets are allowed.
 */
export function createHttpClient(options: { allowPrivateTargets: boolean }): HttpClient {
  const agent = new Agent({
    connections: 256,
    connect: options.allowPrivateTargets ? {} : { lookup: guardedLookup() },
  });
  return {
    async send(req) {
      const problem = options.allowPrivateTargets ? undefined : targetProblem(req.url);
      if (problem) return { kind: 'error', errorKind: 'private_address', message: `Refusing to connect: ${problem}` };
      try {
        const response = await request(req.url, {
          method: req.method,
          headers: { 'user-agent': USER_AGENT, ...req.headers },
          body: req.body,
          dispatcher: agent,
          signal: AbortSignal.timeout(req.timeoutMs),
        });
        return {
          kind: 'response',
          statusCode: response.statusCode,
          headers: flattenHeaders(response.headers),
          body: await readCapped(response.body),
        };
      } catch (error) {
        return { kind: 'error', ...classify(error) };
      }
    },
    close: () => agent.close(),
  };
}
