import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrivateAddress, targetProblem } from '../domain/address-guard';

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

  it('lets public addresses through', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
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
