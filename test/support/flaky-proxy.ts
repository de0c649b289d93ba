import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Headers of one connection, not of the request: fetch sets its own. */
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * What the proxy does with a request: answers it itself (after passing it on, with `forwardFirst`: the API did
 * the work but its answer is lost), cuts the connection, or forwards it.
 */
export type ProxyAction =
  { status: number; headers?: Record<string, string>; forwardFirst?: boolean } | 'drop' | 'forward';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * A loopback HTTP proxy in front of a real API that misbehaves on cue: each request takes the next of `script`'s
 * actions (forwarding once the script is used up), so that a client's retries meet a 503, a 429 or a cut
 * connection first and the real API after. Records every request it saw.
 */
export async function startFlakyProxy(target: string, script: ProxyAction[] = []) {
  const requests: ProxiedRequest[] = [];
  const actions = [...script];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
      const action = actions.shift() ?? 'forward';
      if (action === 'drop') {
        req.socket.destroy();
        return;
      }
      const headers = Object.entries(req.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && !HOP_BY_HOP.has(entry[0]),
      );
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const forwarded = () => fetch(`${target}${req.url ?? ''}`, { method: req.method, headers, body });
      if (action === 'forward') {
        forwarded().then(
          async (answer) => {
            const text = await answer.text();
            const type = answer.headers.get('content-type');
            res.writeHead(answer.status, type ? { 'content-type': type } : {}).end(text);
          },
          () => res.writeHead(502).end(),
        );
        return;
      }
      const answerItself = () => {
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        res.end(JSON.stringify({ error: { code: 'proxy_says_no', message: `The proxy answered ${action.status}` } }));
      };
      if (action.forwardFirst) forwarded().then(answerItself, () => res.writeHead(502).end());
      else answerItself();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
