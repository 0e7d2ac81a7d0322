import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCsr, generateP256Key } from '../../agent-sdk/index.js';
import { readCsrKey } from '../../ca/authority/csr.js';

const run = promisify(execFile);
const HANG_MS = 20_000;
const GENERATOR = new URL('../../dist/agent-sdk/p256-key.js', import.meta.url).href;

// The export subjectPublicKeyInfoOf makes of each new key. The child loads only the
// generator's module and runs interpreted: with more modules, the JIT, or the key
// kept in a variable, the collections land elsewhere and the old code's deadlock
// no longer shows here.
const ROTATIONS = `
import { generateP256Key } from ${JSON.stringify(GENERATOR)};
for (let i = 0; i < 200; i++) generateP256Key().export({ format: 'jwk' });
process.stdout.write('200 keys');
`;

describe('generateP256Key', () => {
  it('ok/gives a P-256 private key whose CSR names its public key, a new one each time', () => {
    const key = generateP256Key();
    expect(key.type).toBe('private');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(readCsrKey(createCsr(key)).subjectPublicKeyInfo).toEqual(createPublicKey(key).export({ format: 'der', type: 'spki' }));
    expect(createPublicKey(generateP256Key()).export({ format: 'jwk' }).x).not.toBe(createPublicKey(key).export({ format: 'jwk' }).x);
  });

  // On Node 20 a key straight from generateKeyPairSync deadlocks here within 100 keys at each of these intervals:
  // the collector destroys its generation job during the JWK export, and the job's destructor waits on the export's lock.
  it.each([13, 97, 499])('ok/keys made and exported with a garbage collection every %i allocations never hang the process', async (interval) => {
    const { stdout } = await run(process.execPath, ['--jitless', `--gc-interval=${interval}`, '--input-type=module', '-e', ROTATIONS], { timeout: HANG_MS, killSignal: 'SIGKILL' })
      .catch((err: { killed?: boolean }) => { throw err.killed ? new Error(`the process hung: still running after ${HANG_MS} ms with --gc-interval=${interval}`) : err; });
    expect(stdout).toBe('200 keys');
  });
});
