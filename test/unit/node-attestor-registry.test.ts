import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../agent-sdk/errors.js';
import { createAttestorRegistry, joinTokenAttestor, x509popAttestor, type ServerAttestor } from '../../node-attestor/index.js';
import { createRoot } from '../helpers/pki.js';

describe('createAttestorRegistry', async () => {
  const root = await createRoot();
  const joinToken = joinTokenAttestor({ redeem: async () => ({ orchestrator: 'o' }) });
  const x509pop = x509popAttestor({ roots: [root.cert], clock: { now: () => Date.now() } });
  const registry = createAttestorRegistry([joinToken, x509pop]);

  it('ok/finds-each-plugin-by-name', () => {
    expect(registry.get('join_token')).toBe(joinToken);
    expect(registry.get('x509pop')).toBe(x509pop);
    expect(registry.names()).toEqual(['join_token', 'x509pop']);
  });

  for (const name of ['tpm', '', 'JOIN_TOKEN', '__proto__', 'constructor', 'toString']) {
    it(`fail/unknown-${name || 'empty'}`, () => {
      let caught: unknown;
      try {
        registry.get(name);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(TesseraError);
      expect((caught as TesseraError).code).toBe('ERR_ATTESTOR_UNKNOWN');
      expect((caught as TesseraError).message).toMatch(/not enabled; enabled: join_token, x509pop/);
    });
  }

  it('fail/duplicate-name', () => {
    const twin: ServerAttestor = { name: 'join_token', attest: joinToken.attest };
    expect(() => createAttestorRegistry([joinToken, twin])).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });
});
