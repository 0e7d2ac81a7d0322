/**
 * The crypto limit the CA is compared with: node:crypto ECDSA P-256 sign and
 * verify on one thread of this process, measured in the same run; and the same
 * on two threads at once, which shows how much a second core adds on this
 * machine (two vCPUs that share one physical core add little to crypto).
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { timeSync } from './stats.js';

export interface CryptoReference {
  /** One sign plus one verify per operation, per second, one thread. */
  readonly signVerifyPerSecond: number;
  readonly signPerSecond: number;
  readonly verifyPerSecond: number;
  /** Sign plus verify per second on two threads running at once, both together. */
  readonly signVerifyPerSecondTwoThreads: number;
}

// About the size of a leaf TBSCertificate.
const DATA_BYTES = 420;

function signVerifyLoop(ms: number): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(DATA_BYTES, 0x5a);
  const us = timeSync(() => {
    const s = sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
    if (!verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, s)) throw new Error('verify failed');
  }, ms);
  return 1e6 / us;
}

// The same loop for a worker thread (plain JavaScript, evaluated).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { generateKeyPairSync, sign, verify } = require('node:crypto');
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = Buffer.alloc(${DATA_BYTES}, 0x5a);
let n = 0;
const start = performance.now();
while (performance.now() - start < workerData.ms) {
  for (let i = 0; i < 20; i++) verify('sha256', data, publicKey, sign('sha256', data, privateKey));
  n += 20;
}
parentPort.postMessage((n * 1000) / (performance.now() - start));
`;

/** Measures for about `ms` in all (plus `ms / 2` on two threads). Blocks the event loop while it runs. */
export async function measureCryptoReference(ms: number): Promise<CryptoReference> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(DATA_BYTES, 0x5a);
  const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
  const signUs = timeSync(() => sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }), ms / 4);
  const verifyUs = timeSync(() => verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature), ms / 4);
  const oneThread = signVerifyLoop(ms / 2);

  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ms: ms / 2 } });
  const workerRate = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await new Promise((resolve) => worker.once('online', resolve));
  const mainRate = signVerifyLoop(ms / 2);
  const twoThreads = mainRate + (await workerRate);
  await worker.terminate();
  return { signVerifyPerSecond: oneThread, signPerSecond: 1e6 / signUs, verifyPerSecond: 1e6 / verifyUs, signVerifyPerSecondTwoThreads: twoThreads };
}
