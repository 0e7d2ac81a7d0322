/** The `federation` section of the CA's configuration: every problem reported at once, in the config error. */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../ca/config.js';

describe('federation config', () => {
  it('ok/endpoint and file entries', () => {
    const config = validateConfig({
      dataDir: '/tmp/x',
      federation: [{ trustDomain: 'partner.example', bundleEndpointUrl: 'https://partner.example/bundle' }, { trustDomain: 'lab.internal', bundleFile: '/etc/lab.json' }],
    });
    expect(config.federation).toEqual([
      { trustDomain: 'partner.example', bundleEndpointUrl: 'https://partner.example/bundle' }, { trustDomain: 'lab.internal', bundleFile: '/etc/lab.json' },
    ]);
    expect(validateConfig({ dataDir: '/tmp/x' }).federation).toEqual([]);
  });

  it('fail/each bad entry named, all at once', () => {
    let message = '';
    try {
      validateConfig({
        dataDir: '/tmp/x',
        federation: [
          { trustDomain: 'Partner.Example', bundleFile: 'a' },
          { trustDomain: 'p.example', bundleEndpointUrl: 'http://p.example/bundle' },
          { trustDomain: 'q.example', bundleFile: 'b', bundleEndpointUrl: 'https://q.example' },
          { trustDomain: 'p.example', bundleFile: 'c', extra: 1 },
        ],
      });
    } catch (err) {
      expect((err as { code: string }).code).toBe('ERR_CONFIG_INVALID');
      message = (err as Error).message;
    }
    expect(message).toContain('federation[0].trustDomain');
    expect(message).toContain('federation[1].bundleEndpointUrl: must be an https URL');
    expect(message).toContain('federation[2]: give bundleEndpointUrl or bundleFile');
    expect(message).toContain('federation[3]: unknown key extra');
    expect(message).toContain('federation[3].trustDomain: p.example is listed twice');
    expect(() => validateConfig({ dataDir: '/tmp/x', federation: {} })).toThrow(/federation: must be a list/);
  });
});
