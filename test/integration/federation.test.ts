/**
 * Two CAs with different trust domains federate: A serves its bundle on its
 * https_web bundle endpoint and B fetches it from there (`bundle set --url`,
 * through the admin API); A takes B's bundle from a file (`tessera bundle set
 * --file`, the built command). Each CA pushes the other's bundle to its agents,
 * and an agent of A calls a node:tls service of B over mutual TLS, each side
 * checking the other's SPIFFE ID against the bundle of the peer's own trust domain.
 */
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authorizeId, authorizeMatch } from '../../agent-sdk/authorizer.js';
import { Orchestrator } from '../../agent-sdk/orchestrator.js';
import { connectMtls, createMtlsServer, peerId } from '../../agent-sdk/tls.js';
import { derToPem } from '../../agent-sdk/tls-material.js';
import { X509Source } from '../../agent-sdk/x509-source.js';
import { AuthorityClient } from '../../ca/authority-client.js';
import { joinTokenClient } from '../../node-attestor/join-token/client.js';
import { tessera } from '../helpers/ca-process.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { createLeaf, createRoot } from '../helpers/pki.js';
import { roundTrip } from '../helpers/revocation-world.js';

const closers: Array<{ close(): unknown }> = [];
const cas: TestCa[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c.close();
  for (const ca of cas.splice(0)) await ca.close();
});
const own = <T extends { close(): unknown }>(thing: T): T => (closers.push(thing), thing);

async function agentOf(t: TestCa, task: string): Promise<X509Source> {
  const { token } = await t.admin.createJoinToken({ orchestrator: 'orch-a' });
  const orchestrator = own(await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: t.endpoints, bundle: t.ca.authority.bundle }));
  const spawned = await orchestrator.spawn(task, { sponsor: 'user:alice' });
  return own(await X509Source.fromEnv({ ...spawned.env }));
}

describe('federation', () => {
  it('ok/an agent of a.test calls a service of b.test over mTLS, each peer checked against its own trust domain\'s bundle', async () => {
    const webRoot = await createRoot({ cn: 'Test Web Root' });
    const web = await createLeaf(webRoot, { cn: 'bundle.a.test', extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])] });
    const dir = await mkdtemp(join(tmpdir(), 'tessera-web-'));
    own({ close: () => rm(dir, { recursive: true, force: true }) });
    const files = { cert: join(dir, 'web.pem'), key: join(dir, 'web-key.pem'), roots: join(dir, 'roots.pem') };
    await writeFile(files.cert, derToPem(web.der));
    await writeFile(files.key, web.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    await writeFile(files.roots, derToPem(webRoot.der));
    const endpointA = await startTestCa({ config: { trustDomain: 'a.test', bundleEndpoint: { address: '127.0.0.1:0', certFile: files.cert, keyFile: files.key } } });
    cas.push(endpointA);
    const b = await startTestCa({ config: { trustDomain: 'b.test', federationWebRootsFile: files.roots } });
    cas.push(b);

    // B fetches A's bundle from its endpoint; A takes B's from a file, with the tessera command.
    const setB = await own(new AuthorityClient(b.ca.adminSocket)).setFederatedBundle('a.test', { url: `https://${endpointA.ca.bundleEndpointAddress}/` });
    expect(setB.x509Authorities).toBe(1);
    const shown = await tessera('bundle', 'show', '--format', 'spiffe', '--socket', b.ca.adminSocket);
    const bFile = join(dir, 'b-bundle.json');
    await writeFile(bFile, shown.stdout);
    const setA = await tessera('bundle', 'set', '--trust-domain', 'b.test', '--file', bFile, '--socket', endpointA.ca.adminSocket);
    expect(setA.code, setA.stderr).toBe(0);
    expect(JSON.parse(setA.stdout)).toMatchObject({ trustDomain: 'b.test', x509Authorities: 1, jwtAuthorities: 1 });
    // Refused: federating with oneself.
    const self = await tessera('bundle', 'set', '--trust-domain', 'a.test', '--file', bFile, '--socket', endpointA.ca.adminSocket);
    expect(self.stderr).toContain('ERR_INVALID_ARGUMENT');

    const agent = await agentOf(endpointA, 'research');
    const service = await agentOf(b, 'tool');
    await vi.waitFor(() => {
      expect(agent.getX509BundleForTrustDomain('b.test')?.authorities[0]!.equals(b.ca.authority.bundle.authorities[0]!)).toBe(true);
      expect(service.getX509BundleForTrustDomain('a.test')?.authorities[0]!.equals(endpointA.ca.authority.bundle.authorities[0]!)).toBe(true);
    });

    const rejected: string[] = [];
    const server = own(createMtlsServer(service, service, authorizeMatch('spiffe://a.test/agent/orch-a/*/*'), { trustDomains: ['b.test', 'a.test'] }, (socket) => {
      socket.on('data', () => socket.write(`pong ${peerId(socket)}\n`));
      socket.on('error', () => {});
    }));
    server.on('peerRejected', (err: { code: string }) => rejected.push(err.code));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const serviceId = service.getX509Svid().id;

    const socket = await connectMtls({ host: '127.0.0.1', port }, agent, agent, authorizeId(serviceId), { trustDomains: ['a.test', 'b.test'] });
    socket.on('error', () => {});
    expect(await roundTrip(socket)).toContain(`pong ${agent.getX509Svid().id}`);
    socket.destroy();

    // The client checks the server's ID: another ID is refused.
    await expect(connectMtls({ host: '127.0.0.1', port }, agent, agent, authorizeId('spiffe://b.test/service/other'), { trustDomains: ['a.test', 'b.test'] }))
      .rejects.toMatchObject({ code: 'ERR_PEER_UNAUTHORIZED' });
    // A client that trusts only its own trust domain does not accept B's service.
    await expect(connectMtls({ host: '127.0.0.1', port }, agent, agent, authorizeId(serviceId))).rejects.toMatchObject({ code: 'ERR_PEER_UNAUTHENTICATED' });
  });

  it('ok/federation from the config file; bundle unset takes it away from agents at once, audited; a restart applies the config again', async () => {
    const a = await startTestCa({ config: { trustDomain: 'a.test' } });
    cas.push(a);
    const dir = await mkdtemp(join(tmpdir(), 'tessera-fed-'));
    own({ close: () => rm(dir, { recursive: true, force: true }) });
    const aFile = join(dir, 'a-bundle.json');
    await writeFile(aFile, (await tessera('bundle', 'show', '--format', 'spiffe', '--socket', a.ca.adminSocket)).stdout);
    const b = await startTestCa({ config: { trustDomain: 'b.test', federation: [{ trustDomain: 'a.test', bundleFile: aFile }] } });
    cas.push(b);
    const aRoot = a.ca.authority.bundle.authorities[0]!;
    const service = await agentOf(b, 'tool');
    await vi.waitFor(() => expect(service.getX509BundleForTrustDomain('a.test')?.authorities[0]!.equals(aRoot)).toBe(true));

    const unset = await tessera('bundle', 'unset', '--trust-domain', 'a.test', '--socket', b.ca.adminSocket);
    expect(unset.code, unset.stderr).toBe(0);
    await vi.waitFor(() => expect(service.getX509BundleForTrustDomain('a.test')).toBeUndefined());
    const again = await tessera('bundle', 'unset', '--trust-domain', 'a.test', '--socket', b.ca.adminSocket);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('ERR_NOT_FOUND');
    const { records } = await b.admin.listAuditRecords({ limit: 1000 });
    expect(records.filter((r) => r.operation.startsWith('bundle.')).map((r) => [r.operation, r.outcome, r.reason]))
      .toEqual([['bundle.set', 'allowed', ''], ['bundle.unset', 'allowed', ''], ['bundle.unset', 'denied', 'ERR_NOT_FOUND']]);

    // The config still lists a.test: the next start trusts it again (the file is the source of truth for its entries).
    await b.restart();
    expect(b.ca.authority.federatedBundles.map((f) => f.x509.trustDomain)).toEqual(['a.test']);
  }, 60_000);
});
