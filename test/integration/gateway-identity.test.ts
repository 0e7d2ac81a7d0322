import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { derToPem } from '../../agent-sdk/tls-material.js';
import { validateGatewayConfig } from '../../gateway/config.js';
import { attestGateway } from '../../gateway/commands.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { createIntermediate, createLeaf, createRoot } from '../helpers/pki.js';
import { refusal } from '../helpers/task-agents.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('the gateway\'s own identity', () => {
  it('ok/x509pop: attests with its certificate as orchestrator <name>, again on every restart, no token needed', async () => {
    const root = await createRoot({ cn: 'Gateway Root' });
    const issuing = await createIntermediate(root, { cn: 'Gateway Issuing CA' });
    const leaf = await createLeaf(issuing, { cn: 'edge-gw' });
    const t: TestCa = await startTestCa({ config: { x509popRootsPem: root.cert.toString() } });
    const dir = await mkdtemp(join(tmpdir(), 'tessera-gateway-id-'));
    cleanups.push(() => t.close(), () => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'bundle.pem'), t.ca.authority.bundle.toPem());
    await writeFile(join(dir, 'cert.pem'), derToPem(leaf.der) + derToPem(issuing.der));
    await writeFile(join(dir, 'key.pem'), leaf.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
    const config = (name: string) => validateGatewayConfig({
      ca: { ...t.endpoints, bundleFile: join(dir, 'bundle.pem') },
      identity: { name, x509pop: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } },
      dataDir: dir, upstreams: {}, routes: [],
    });
    for (let start = 0; start < 2; start++) {
      const source = await attestGateway(config('edge-gw'), {});
      expect(source.getX509Svid().id.toString()).toBe('spiffe://tessera.local/orchestrator/edge-gw');
      source.close();
    }
    // The certificate names another orchestrator than the config: the audit verifier would look for the wrong signer.
    await refusal(attestGateway(config('gateway'), {}), 'ERR_CONFIG_INVALID');
  });

  it('fail/join token: a missing token is a config error; a used one is the CA\'s refusal', async () => {
    const t = await startTestCa();
    cleanups.push(() => t.close());
    const dir = await mkdtemp(join(tmpdir(), 'tessera-gateway-id-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'bundle.pem'), t.ca.authority.bundle.toPem());
    const config = validateGatewayConfig({
      ca: { ...t.endpoints, bundleFile: join(dir, 'bundle.pem') }, identity: { name: 'gateway', joinTokenEnv: 'GW_TOKEN' }, dataDir: dir, upstreams: {}, routes: [],
    });
    await refusal(attestGateway(config, {}), 'ERR_CONFIG_INVALID');
    const { token } = await t.admin.createJoinToken({ orchestrator: 'gateway' });
    (await attestGateway(config, { GW_TOKEN: token })).close();
    await refusal(attestGateway(config, { GW_TOKEN: token }), 'ERR_JOIN_TOKEN_USED');
  });
});
