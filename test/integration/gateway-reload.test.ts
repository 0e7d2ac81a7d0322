import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeAtomically } from '../../ca/authority/keys.js';
import { createLogger } from '../../ca/log.js';
import { gatewayFetch } from '../../gateway/agent-fetch.js';
import { watchConfigFile } from '../../gateway/config-file.js';
import { type GatewayWorld, HTTP_SECRET, startGatewayWorld, worldRoutes } from '../helpers/gateway-world.js';

let w: GatewayWorld;
const logged: { msg?: string; code?: string }[] = [];
const closers: (() => void)[] = [];
beforeEach(async () => {
  logged.length = 0;
  w = await startGatewayWorld({ log: createLogger('info', { write: (line: string) => void logged.push(JSON.parse(line)) }) });
  closers.push(watchConfigFile(w.configFile, (raw) => w.gateway.reload(raw), 20));
});
afterEach(async () => {
  closers.splice(0).forEach((c) => c());
  await w.close();
});

describe('gateway: hot reload of the route config', () => {
  it('a bad config is logged and keeps the routes in force; a good one replaces them, secrets re-read', async () => {
    const agent = await w.agent(['search:query']);
    const fetch = gatewayFetch(agent, { gatewayId: w.gateway.id, scopes: ['search:query'] });
    closers.push(fetch.close);
    const status = async (path: string) => {
      const res = await fetch(`https://${w.gateway.address}${path}`, { headers: { host: 'tools.local' } });
      return res.status === 200 ? 'ok' : ((await res.json()) as { error: { code: string } }).error.code;
    };
    expect(await status('/search/a')).toBe('ok');

    // Each config is replaced whole (written beside, renamed), as a config manager does: a poll that
    // caught writeFile between truncation and write would read a torn file and count a third refusal.
    const replaceConfig = (text: string) => writeAtomically(w.configFile, text, 0o600);
    await replaceConfig('{"routes": [');
    await vi.waitFor(() => expect(logged.filter((l) => l.code === 'ERR_CONFIG_INVALID')).toHaveLength(1), { timeout: 5_000 });
    const badScope = worldRoutes().map((r) => ({ ...(r as object), scope: 'Search:Query' }));
    await replaceConfig(JSON.stringify({ ...w.rawConfig, routes: badScope }));
    await vi.waitFor(() => expect(logged.filter((l) => l.code === 'ERR_CONFIG_INVALID')).toHaveLength(2), { timeout: 5_000 });
    expect(await status('/search/b')).toBe('ok');

    await writeFile(join(w.dir, 'http-secret'), 'rotated-secret\n');
    const withoutSearch = worldRoutes().filter((r) => (r as { name: string }).name !== 'search-get');
    const moved = [...withoutSearch, { name: 'search-v2', host: 'tools.local', methods: ['GET'], path: '/v2/search', upstream: 'echo', scope: 'search:query' }];
    await replaceConfig(JSON.stringify({ ...w.rawConfig, routes: moved }));
    await vi.waitFor(async () => expect(await status('/search/c')).toBe('ERR_NO_ROUTE'), { timeout: 5_000, interval: 50 });
    expect(await status('/v2/search')).toBe('ok');
    // Until the reload, the old secret (the polling above may have been served a few times); then the new one.
    const sent = w.echoes.map((e) => e.headers.authorization);
    expect(sent.at(-1)).toBe('Bearer rotated-secret');
    expect(sent.slice(0, -1).every((h) => h === `Bearer ${HTTP_SECRET}`)).toBe(true);
    expect(JSON.stringify(logged)).not.toContain('rotated-secret');

    // The metrics say what happened: two refused reloads, then one applied (after the start's), and the routes now in force.
    const metrics = await (await globalThis.fetch(`http://${w.gateway.metricsAddress}/metrics`)).text();
    expect(metrics).toMatch(/^tessera_gateway_config_reloads_total\{result="refused"\} 2$/m);
    expect(metrics).toMatch(/^tessera_gateway_config_reloads_total\{result="applied"\} 2$/m);
    expect(metrics).toMatch(new RegExp(`^tessera_gateway_routes ${moved.length}$`, 'm'));
  });
});
