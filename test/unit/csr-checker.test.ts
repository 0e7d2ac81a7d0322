import { type KeyObject, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { OID } from '../../agent-sdk/certificate.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { bitString, explicit, oid, sequence, smallInteger } from '../../agent-sdk/der.js';
import { CsrChecker } from '../../ca/authority/csr-checker.js';
import { readCsrKey, signatureJobOf } from '../../ca/authority/csr.js';
import { newKey } from '../helpers/agents.js';

// The CA checks CSRs with their signatures verified in worker threads; every
// check must end exactly as readCsrKey ends on the calling thread.

const checkers: CsrChecker[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(checkers.splice(0).map((c) => c.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function checker(params: ConstructorParameters<typeof CsrChecker>[0]): CsrChecker {
  const made = new CsrChecker(params);
  checkers.push(made);
  return made;
}

/** A CSR over `spki` signed by `key`, built like agent-sdk/csr.ts. */
function createCsrWithSpki(key: KeyObject, spki: Buffer): Buffer {
  const info = sequence(smallInteger(0), sequence(), spki, explicit(0));
  return sequence(info, sequence(oid(OID.ecdsaWithSha256)), bitString(sign('sha256', info, { key, dsaEncoding: 'der' })));
}

const spkiOf = (key: KeyObject) => Buffer.from(createPublicKey(key).export({ format: 'der', type: 'spki' }));

/** The same key with its point compressed: the signature still covers the SPKI as written. */
function compressedSpkiOf(key: KeyObject): Buffer {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const y = Buffer.from(jwk.y!, 'base64url');
  const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
  return Buffer.concat([prefix, Buffer.from([2 + (y[31]! & 1)]), Buffer.from(jwk.x!, 'base64url')]);
}

/** CSRs of every kind of outcome, with the outcome a user must see. */
function cases(): { name: string; csr: Buffer; spki?: Buffer; error?: { code: string; message: RegExp } }[] {
  const key = newKey();
  const offCurve = spkiOf(key);
  offCurve[offCurve.length - 1]! ^= 0x01; // the last byte of Y: the point leaves the curve
  const badSignature = createCsr(key);
  badSignature[badSignature.length - 2]! ^= 0x01; // inside s: well-formed DER, wrong value
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  return [
    { name: 'valid', csr: createCsr(key), spki: spkiOf(key) },
    { name: 'compressed point (the general key import)', csr: createCsrWithSpki(key, compressedSpkiOf(key)), spki: compressedSpkiOf(key) },
    { name: 'point off the curve, signed over as written', csr: createCsrWithSpki(key, offCurve), error: { code: 'ERR_CSR_INVALID', message: /not a well-formed PKCS#10/ } },
    { name: 'signature of another value', csr: badSignature, error: { code: 'ERR_CSR_INVALID', message: /signature does not verify/ } },
    { name: 'signed by another key', csr: createCsrWithSpki(newKey(), spkiOf(key)), error: { code: 'ERR_CSR_INVALID', message: /signature does not verify/ } },
    { name: 'RSA key', csr: createCsrWithSpki(rsa, spkiOf(rsa)), error: { code: 'ERR_CSR_INVALID', message: /must be ECDSA P-256/ } },
    { name: 'not DER', csr: Buffer.from('not a csr'), error: { code: 'ERR_CSR_INVALID', message: /not a well-formed/ } },
    { name: 'over the size limit', csr: Buffer.alloc(5000, 0x30), error: { code: 'ERR_LIMIT_EXCEEDED', message: /larger than 4096 bytes/ } },
  ];
}

describe('CSR checks in worker threads', () => {
  it('ok/workers, the calling thread and readCsrKey agree on every kind of CSR', async () => {
    const inWorkers = checker({ workers: 2, maxBytes: 4096 });
    const here = checker({ workers: 0, maxBytes: 4096 });
    for (const { name, csr, spki, error } of cases()) {
      for (const check of [(der: Buffer) => inWorkers.check(der), (der: Buffer) => here.check(der), async (der: Buffer) => readCsrKey(der)]) {
        const outcome = check(csr);
        if (spki) await expect(outcome, name).resolves.toEqual({ subjectPublicKeyInfo: spki });
        else await expect(outcome, name).rejects.toMatchObject(error!);
      }
    }
  });

  it('ok/300 concurrent checks over two workers each get their own answer', async () => {
    const csrs = checker({ workers: 2, maxBytes: 4096 });
    const keys = Array.from({ length: 300 }, () => newKey());
    const requests = keys.map((key, i) => (i % 3 === 0 ? createCsrWithSpki(newKey(), spkiOf(key)) : createCsr(key)));
    const settled = await Promise.allSettled(requests.map((csr) => csrs.check(csr)));
    settled.forEach((result, i) => {
      if (i % 3 === 0) expect(result).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CSR_INVALID' } });
      else expect(result).toEqual({ status: 'fulfilled', value: { subjectPublicKeyInfo: spkiOf(keys[i]!) } });
    });
  });

  it('ok/another signature (a renewal proof\'s) verifies in the workers as on the calling thread, in one batch with a CSR', async () => {
    const inWorkers = checker({ workers: 1, maxBytes: 4096 });
    const here = checker({ workers: 0, maxBytes: 4096 });
    const key = newKey();
    const signed = Buffer.from('tessera-renewal-v1 and what it covers');
    const signature = sign('sha256', signed, { key, dsaEncoding: 'der' });
    const otherSigned = Buffer.from(signed);
    otherSigned[0]! ^= 0x01;
    const jobs: [string, Buffer, Buffer, Buffer][] = [
      ['valid', signed, signature, spkiOf(key)],
      ['valid, compressed point (the general key import)', signed, signature, compressedSpkiOf(key)],
      ['signed bytes changed', otherSigned, signature, spkiOf(key)],
      ['another key', signed, signature, spkiOf(newKey())],
      ['a signature that is not DER', signed, Buffer.from('not a signature'), spkiOf(key)],
      ['a key that is not a key', signed, signature, Buffer.from('not a key')],
    ];
    const expected = ['valid', 'valid', 'invalid', 'invalid', 'invalid', 'malformed'];
    for (const csrs of [inWorkers, here]) {
      // Asked in one turn with a CSR, as a renewal asks: every answer is its own.
      const csrKey = newKey();
      const [csrOutcome, ...verdicts] = await Promise.all([
        csrs.check(createCsr(csrKey)), ...jobs.map(([, s, sig, spki]) => csrs.verifySignature(signatureJobOf(s, sig, spki))),
      ]);
      expect(csrOutcome).toEqual({ subjectPublicKeyInfo: spkiOf(csrKey) });
      expect(verdicts, jobs.map(([name]) => name).join(', ')).toEqual(expected);
    }
  });

  it('fail/a worker that stops fails its pending checks with ERR_INTERNAL and is replaced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-csr-worker-'));
    dirs.push(dir);
    // A real worker that answers its first batch, then dies on its second.
    const worker = join(dir, 'dies-on-second-batch.mjs');
    const signature = new URL('../../ca/authority/csr-signature.mjs', import.meta.url).href;
    await writeFile(worker, [
      "import { parentPort } from 'node:worker_threads';",
      `import { checkSignature } from ${JSON.stringify(signature)};`,
      'let batches = 0;',
      'parentPort.on("message", (batch) => {',
      '  if (++batches === 2) process.exit(3);',
      '  parentPort.postMessage(batch.map(([id, job]) => [id, checkSignature(job)]));',
      '});',
    ].join('\n'));
    const failures: unknown[] = [];
    const csrs = checker({ workers: 1, maxBytes: 4096, workerUrl: pathToFileURL(worker), onWorkerFailed: (err) => failures.push(err) });
    const key = newKey();
    await expect(csrs.check(createCsr(key))).resolves.toEqual({ subjectPublicKeyInfo: spkiOf(key) });
    await expect(csrs.check(createCsr(key))).rejects.toMatchObject({ code: 'ERR_INTERNAL', message: 'the CSR check failed' });
    expect(failures).toHaveLength(1);
    await expect(csrs.check(createCsr(key))).resolves.toEqual({ subjectPublicKeyInfo: spkiOf(key) });
  });

  it('fail/a worker that cannot start is not restarted: checks go on, on the calling thread', async () => {
    const failed = new Promise<unknown>((resolve) => {
      checker({ workers: 1, maxBytes: 4096, workerUrl: pathToFileURL('/nonexistent/csr-worker.mjs'), onWorkerFailed: resolve });
    });
    await failed;
    const csrs = checkers[0]!;
    const key = newKey();
    await expect(csrs.check(createCsr(key))).resolves.toEqual({ subjectPublicKeyInfo: spkiOf(key) });
  });

  it('fail/after close, checks are refused with ERR_UNAVAILABLE', async () => {
    const csrs = checker({ workers: 1, maxBytes: 4096 });
    await csrs.close();
    await expect(csrs.check(createCsr(newKey()))).rejects.toMatchObject({ code: 'ERR_UNAVAILABLE' });
    const key = newKey();
    await expect(csrs.verifySignature(signatureJobOf(Buffer.from('x'), sign('sha256', Buffer.from('x'), key), spkiOf(key)))).rejects.toMatchObject({ code: 'ERR_UNAVAILABLE' });
  });
});
