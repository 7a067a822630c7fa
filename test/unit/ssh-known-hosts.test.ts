// known_hosts matching: plain, hashed, [host]:port, wildcards and negation, changed and revoked keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { knownHostsName, keyTypeOfBlob, parseKnownHosts, sha256Fingerprint, verifyHostKey } from '../../src/drivers/ssh/known-hosts.ts';
import { generateHostKey } from './ssh-test-server.ts';

const keyA = generateHostKey();
const keyB = generateHostKey();
const keyC = generateHostKey('ecdsa');
const blob = (publicKey: string): Buffer => Buffer.from(publicKey.split(' ')[1]!, 'base64');

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

test('host names as OpenSSH writes them', () => {
  assert.equal(knownHostsName('10.200.0.1', 22), '10.200.0.1');
  assert.equal(knownHostsName('10.200.0.1', 2222), '[10.200.0.1]:2222');
});

test('a plain entry with the presented key is known; its line is reported', () => {
  const entries = parseKnownHosts(`# comment\n\nhostB,10.200.0.2 ${keyB.public}\n10.200.0.1 ${keyA.public}\n`);
  assert.deepEqual(verifyHostKey(entries, '10.200.0.1', blob(keyA.public)), { result: 'known', line: 4 });
  assert.deepEqual(verifyHostKey(entries, 'hostB', blob(keyB.public)), { result: 'known', line: 3 });
});

test('a hashed entry matches only its own host name, port included', () => {
  const entries = parseKnownHosts(`${hashed('[127.0.0.1]:2222')} ${keyA.public}\n`);
  assert.equal(verifyHostKey(entries, '[127.0.0.1]:2222', blob(keyA.public)).result, 'known');
  assert.equal(verifyHostKey(entries, '127.0.0.1', blob(keyA.public)).result, 'unknown');
  assert.equal(verifyHostKey(entries, '[127.0.0.1]:2223', blob(keyA.public)).result, 'unknown');
});

test('the same type with another key is "changed", with the known fingerprint', () => {
  const entries = parseKnownHosts(`10.200.0.1 ${keyA.public}\n`);
  const verdict = verifyHostKey(entries, '10.200.0.1', blob(keyB.public));
  assert.deepEqual(verdict, { result: 'changed', line: 1, knownFingerprint: sha256Fingerprint(blob(keyA.public)) });
});

test('a host known only with another key type is "unknown" for this one', () => {
  const entries = parseKnownHosts(`10.200.0.1 ${keyA.public}\n`);
  assert.equal(keyTypeOfBlob(blob(keyC.public)), 'ecdsa-sha2-nistp256');
  assert.equal(verifyHostKey(entries, '10.200.0.1', blob(keyC.public)).result, 'unknown');
});

test('wildcards and negated patterns', () => {
  const entries = parseKnownHosts(`10.200.0.*,!10.200.0.9 ${keyA.public}\n`);
  assert.equal(verifyHostKey(entries, '10.200.0.7', blob(keyA.public)).result, 'known');
  assert.equal(verifyHostKey(entries, '10.200.0.9', blob(keyA.public)).result, 'unknown');
  assert.equal(verifyHostKey(entries, '10.200.1.7', blob(keyA.public)).result, 'unknown');
});

test('a @revoked key is refused even when also listed as known', () => {
  const entries = parseKnownHosts(`@revoked * ${keyA.public}\n10.200.0.1 ${keyA.public}\n`);
  assert.deepEqual(verifyHostKey(entries, '10.200.0.1', blob(keyA.public)), { result: 'revoked', line: 1 });
  assert.equal(entries[0]?.marker, '@revoked');
});

test('fingerprints look like ssh-keygen -l: SHA256:base64 without padding', () => {
  assert.match(sha256Fingerprint(blob(keyA.public)), /^SHA256:[A-Za-z0-9+/]{43}$/);
});
