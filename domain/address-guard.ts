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
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** IPv4 addresses written as IPv6 (`::ffff:127.0.0.1`) are judged as the IPv4 address they are. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1] ?? address;
}

export function isPrivateAddress(address: string): boolean {
  const ip = unmapped(address);
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
