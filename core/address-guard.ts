import { BlockList, isIP } from 'node:net';

/**
 * The SSRF guard: a hook must not turn Hookflow into a way to reach our own
 * network. Loopback, private, link-local (cloud metadata lives there),
 * carrier-grade NAT, multicast and reserved ranges are refused unless the
 * operator allows private targets (local development and tests).
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  // IPv4-compatible (deprecated, RFC 4291 2.5.5.1), the unspecified address and loopback among them.
  ['::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  // Site-local (deprecated, RFC 3879), still routed inside some networks.
  ['fec0::', 10],
  ['ff00::', 8],
  // Discard-only (RFC 6666).
  ['100::', 64],
  // These wrap an IPv4 address, private ones included, and have no business as a webhook target:
  // IPv4-translated (SIIT, RFC 6145), NAT64 (RFC 6052) and local-use NAT64 (RFC 8215),
  // 6to4 (RFC 3056, the IPv4 in bits 16-48) and Teredo (RFC 4380, the server's and the client's IPv4 inside).
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['2001::', 32],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/**
 * IPv4-mapped addresses (`::ffff:127.0.0.1`, `::ffff:7f00:1`, in any spelling)
 * need no rule of their own: BlockList judges them by the IPv4 rules, as the
 * IPv4 address they are. A zone id (`fe80::1%eth0`) names an interface, not
 * another address, and BlockList cannot read it, so it is set aside.
 */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 0) throw new Error(`Not an IP address: ${address}`);
  return blocked.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

export class PrivateAddressError extends Error {
  constructor(readonly address: string) {
    super(`Refusing to connect to private address ${address}`);
    this.name = 'PrivateAddressError';
  }
}

/** Ports a hook may target: the web's own, and the unprivileged range. */
export function isAllowedPort(port: number): boolean {
  return port === 80 || port === 443 || (port >= 1024 && port <= 65535);
}

/**
 * Why a target URL may not be called, judged on the URL alone (the address a
 * name resolves to is checked again at connection time), or undefined.
 * Relies on the WHATWG URL parser, which already turns decimal, octal and hex
 * IPv4 forms (`2130706433`, `0177.0.0.1`, `0x7f.1`) into dotted ones.
 */
export function targetProblem(url: string): string | undefined {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  if (!isAllowedPort(port)) return `port ${port} is not allowed (only 80, 443 and 1024-65535)`;
  return hostProblem(parsed.hostname);
}

/**
 * Why a host (as a WHATWG URL's `hostname` gives it) may not be called: a
 * local name or a private address literal. Names are checked again once resolved.
 */
export function hostProblem(hostname: string): string | undefined {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return `${hostname} is a local name`;
  if (isIP(host) && isPrivateAddress(host)) return `${hostname} is a private address`;
  return undefined;
}
