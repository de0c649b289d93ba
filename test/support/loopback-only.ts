/**
 * Preloaded (`--import`) into a process that must never reach past loopback:
 * the worker under the API fuzz, whose hooks point wherever the fuzzer made
 * them. The address guard refuses loopback and private hosts; this refuses the
 * rest, so that no socket and no name lookup leaves the machine. Sockets to
 * loopback addresses (the stack: Temporal, the store, the SMTP catcher) and to
 * local paths pass; anything else fails as a refused connection would.
 */
import dns from 'node:dns';
import { isIP, Socket, type SocketConnectOpts } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.']);

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (LOOPBACK_NAMES.has(bare.toLowerCase())) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return isIP(bare) === 6 && (bare === '::1' || /^::ffff:127\./i.test(bare));
}

function refused(host: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ECONNREFUSED ${host} (this process may only reach loopback)`), {
    code: 'ECONNREFUSED',
  });
}

type Connect = (this: Socket, ...args: unknown[]) => Socket;
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with the socket as `this`, below
const connect = Socket.prototype.connect as unknown as Connect;
(Socket.prototype as unknown as { connect: Connect }).connect = function (this: Socket, ...args: unknown[]) {
  // connect(options[, listener]), connect(port[, host][, listener]) or connect(path[, listener]); net.connect()
  // and tls.connect() pass their arguments already normalised, as one array.
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const options: Partial<SocketConnectOpts> & { host?: string; path?: string } =
    typeof first === 'object' && first !== null
      ? first
      : typeof first === 'string' && Number.isNaN(Number(first))
        ? { path: first }
        : { host: typeof second === 'string' ? second : 'localhost' };
  const host = options.path === undefined ? (options.host ?? 'localhost') : undefined;
  if (host !== undefined && !isLoopback(host)) {
    process.nextTick(() => this.destroy(refused(host)));
    return this;
  }
  return connect.apply(this, args);
};

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (this process may only reach loopback)`), {
    code: 'ENOTFOUND',
    hostname,
  });
}

type Lookup = (hostname: string, ...rest: unknown[]) => unknown;
const lookup = dns.lookup as unknown as Lookup;
(dns as unknown as { lookup: Lookup }).lookup = (hostname: string, ...rest: unknown[]) => {
  if (isLoopback(hostname)) return lookup(hostname, ...rest);
  const callback = rest.at(-1) as (error: Error) => void;
  process.nextTick(() => callback(notFound(hostname)));
  return undefined;
};
const lookupPromise = dns.promises.lookup.bind(dns.promises);
dns.promises.lookup = ((hostname: string, options?: dns.LookupOptions) =>
  isLoopback(hostname)
    ? lookupPromise(hostname, options ?? {})
    : Promise.reject(notFound(hostname))) as typeof dns.promises.lookup;
// Queries that bypass getaddrinfo (resolve4, resolveMx, ...) go to a loopback port where nothing answers.
dns.setServers(['127.0.0.1:9']);
dns.promises.setServers(['127.0.0.1:9']);
