// @ts-check
/**
 * A worker thread of CsrChecker (csr-checker.ts). A message is a batch of
 * [id, job] pairs; the answer is the [id, verdict] pairs, in order.
 */
import { parentPort } from 'node:worker_threads';
import { checkSignature } from './csr-signature.mjs';

const port = parentPort;
if (!port) throw new Error('csr-worker.mjs runs as a worker thread');
port.on('message', (/** @type {[number, import('./csr-signature.mjs').SignatureJob][]} */ batch) => {
  port.postMessage(batch.map(([id, job]) => [id, checkSignature(job)]));
});
