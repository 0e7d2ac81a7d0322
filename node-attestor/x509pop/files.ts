import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { OrchestratorAttestor } from '../../agent-sdk/attestor.js';
import { certificatesFromPem } from '../../agent-sdk/bundle.js';
import { TesseraError } from '../../agent-sdk/errors.js';
import { x509popClient } from './client.js';

/**
 * The x509pop attestor from files, as a host keeps them: a PEM certificate
 * chain (the leaf first, whose CN names the orchestrator, then intermediates)
 * and the leaf's PEM private key. The key stays in this process.
 *
 * @throws {TesseraError} ERR_CONFIG_INVALID when a file cannot be read or the key is not a private key
 *   (the message names neither file's content); ERR_INVALID_ARGUMENT from x509popClient (a key that is not the leaf's, ...).
 * @example const attestor = await x509popClientFromFiles({ certFile: '/etc/tessera/host.pem', keyFile: '/etc/tessera/host-key.pem' });
 */
export async function x509popClientFromFiles(files: { certFile: string; keyFile: string }): Promise<OrchestratorAttestor> {
  const [pem, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile)]).catch(() => {
    throw new TesseraError('ERR_CONFIG_INVALID', `the x509pop certificate (${files.certFile}) or key (${files.keyFile}) cannot be read`);
  });
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new TesseraError('ERR_CONFIG_INVALID', `the x509pop key (${files.keyFile}) is not a private key`);
  }
  return x509popClient({ certChain: certificatesFromPem(pem), privateKey });
}
