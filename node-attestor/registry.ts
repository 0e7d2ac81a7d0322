import { TesseraError } from '../agent-sdk/errors.js';
import type { ServerAttestor } from './types.js';

/** The node attestors a CA has enabled, looked up by the name an orchestrator sends. */
export interface AttestorRegistry {
  /**
   * The attestor with this name.
   * @throws {TesseraError} `ERR_ATTESTOR_UNKNOWN` when none is enabled under it.
   */
  get(name: string): ServerAttestor;
  /** The enabled names, in the order given. */
  names(): string[];
}

/**
 * Makes the registry of enabled node attestors. Names must be unique.
 *
 * @throws {TesseraError} `ERR_CONFIG_INVALID` for two attestors with one name.
 * @example
 * const attestors = createAttestorRegistry([joinTokenAttestor({ redeem }), x509popAttestor({ roots, clock })]);
 * const attestor = attestors.get(request.attestor); // throws ERR_ATTESTOR_UNKNOWN
 */
export function createAttestorRegistry(attestors: ServerAttestor[]): AttestorRegistry {
  // A Map, not an object: a name like "__proto__" or "constructor" must not resolve.
  const byName = new Map<string, ServerAttestor>();
  for (const attestor of attestors) {
    if (byName.has(attestor.name)) throw new TesseraError('ERR_CONFIG_INVALID', `node attestor "${attestor.name}" is configured twice`);
    byName.set(attestor.name, attestor);
  }
  const names = [...byName.keys()];
  return {
    get(name: string): ServerAttestor {
      const attestor = typeof name === 'string' ? byName.get(name) : undefined;
      // The requested name comes from the caller and is not echoed back.
      if (!attestor) throw new TesseraError('ERR_ATTESTOR_UNKNOWN', `node attestor is not enabled; enabled: ${names.join(', ') || 'none'}`);
      return attestor;
    },
    names: () => [...names],
  };
}
