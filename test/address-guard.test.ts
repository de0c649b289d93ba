import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrivateAddress, targetProblem } from '../core/address-guard';

describe('private address guard', () => {
  it('refuses loopback, private, link-local and metadata addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      assert.equal(isPrivateAddress(address), true, address);
    }
  });

  it('refuses every IPv6 form that wraps an IPv4 address, in every spelling', () => {
    const table: Record<string, string[]> = {
      'IPv4-mapped ::ffff:0:0/96': [
        '::ffff:7f00:1',
        '::FFFF:7F00:1',
        '0:0:0:0:0:ffff:7f00:1',
        '0000:0000:0000:0000:0000:ffff:7f00:0001',
        '0:0:0:0:0:ffff:127.0.0.1',
        '::ffff:169.254.169.254',
        '::ffff:a9fe:a9fe',
        '::ffff:c0a8:101',
      ],
      'IPv4-compatible ::/96': [
        '::127.0.0.1',
        '::7f00:1',
        '0:0:0:0:0:0:7f00:1',
        '0000:0000:0000:0000:0000:0000:7F00:0001',
        '::a9fe:a9fe',
        '::169.254.169.254',
        '::10.0.0.1',
        '::8.8.8.8',
      ],
      'IPv4-translated ::ffff:0:0:0/96': [
        '::ffff:0:7f00:1',
        '::FFFF:0:7F00:1',
        '0:0:0:0:ffff:0:7f00:1',
        '::ffff:0:127.0.0.1',
        '::ffff:0:a9fe:a9fe',
        '::ffff:0:8.8.8.8',
      ],
      'NAT64 64:ff9b::/96': [
        '64:ff9b::7f00:1',
        '64:FF9B::127.0.0.1',
        '0064:ff9b:0000:0000:0000:0000:a9fe:a9fe',
        '64:ff9b::8.8.8.8',
      ],
      'local-use NAT64 64:ff9b:1::/48': ['64:ff9b:1::7f00:1', '64:ff9b:1:ffff::10.0.0.1', '64:FF9B:1:0:0:0:0:1'],
      '6to4 2002::/16': [
        '2002:7f00:1::',
        '2002:a9fe:a9fe::1',
        '2002:0a00:0001:0000:0000:0000:0000:0001',
        '2002:808:808::1',
      ],
      'Teredo 2001::/32': [
        '2001:0:4136:e378:8000:63bf:3fff:fdd2',
        '2001::80ff:fffe', // client 127.0.0.1, XORed with 0xffffffff
        '2001:0:7f00:1::',
        '2001:0000:a9fe:a9fe:0000:0000:0000:0000',
      ],
      'zone ids': ['fe80::1%eth0', 'FE80::1%25', '::ffff:7f00:1%lo', '::1%1'],
      'deprecated site-local and discard-only': ['fec0::1', '100::1'],
    };
    for (const [range, addresses] of Object.entries(table)) {
      for (const address of addresses) assert.equal(isPrivateAddress(address), true, `${range}: ${address}`);
    }
  });

  it('lets public addresses through', () => {
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '2606:4700:4700::1111',
      '2001:4860:4860::8888', // 2001:4860::/32 is Google's, not Teredo's 2001::/32
      '2a00:1450:4001::1',
      '::ffff:8.8.8.8',
      '0:0:0:0:0:ffff:808:808',
    ]) {
      assert.equal(isPrivateAddress(address), false, address);
    }
  });
});

describe('target URL guard', () => {
  it('refuses every spelling of a private or local target', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/', // 127.0.0.1 as one decimal number
      'http://0177.0.0.1/', // octal
      'http://0x7f000001/', // hex
      'http://0x7f.1/',
      'http://127.1/',
      'http://0.0.0.0/',
      'http://0/',
      'http://[::1]/',
      'http://[::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a00:1]/', // 10.0.0.1, mapped, in hex
      'http://[64:ff9b::a00:1]/', // NAT64 of 10.0.0.1
      'http://[::127.0.0.1]/', // IPv4-compatible
      'http://[0:0:0:0:0:0:127.0.0.1]:8080/',
      'http://[::a9fe:a9fe]/latest/meta-data/', // 169.254.169.254, IPv4-compatible
      'http://[::ffff:0:7f00:1]/', // IPv4-translated
      'http://[::FFFF:0:127.0.0.1]/',
      'http://[64:ff9b:1::a9fe:a9fe]/', // local-use NAT64
      'http://[2002:7f00:1::1]/', // 6to4 of 127.0.0.1
      'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', // Teredo, client 127.0.0.1
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.100.100.200/',
      'http://192.168.0.1:8080/',
      'http://localhost/',
      'http://localhost./',
      'http://LOCALHOST:3000/',
      'http://api.localhost/',
    ]) {
      assert.match(targetProblem(url) ?? '', /private address|local name/, url);
    }
  });

  it('refuses ports other than 80, 443 and 1024-65535', () => {
    assert.match(targetProblem('http://example.com:22/') ?? '', /port 22 is not allowed/);
    assert.match(targetProblem('https://example.com:1023/') ?? '', /port 1023/);
    for (const url of [
      'http://example.com/',
      'https://example.com/',
      'http://example.com:8080/',
      'https://8.8.8.8:65535/',
    ]) {
      assert.equal(targetProblem(url), undefined, url);
    }
  });

  it('lets public addresses and names through, to be checked again once resolved', () => {
    for (const url of [
      'https://93.184.216.34/hook',
      'https://[2606:4700:4700::1111]/',
      'https://hooks.example.com/x',
      'http://[::ffff:808:808]/',
    ]) {
      assert.equal(targetProblem(url), undefined, url);
    }
  });
});
