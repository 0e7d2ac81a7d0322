/**
 * A taint that reaches an agent while one of its renewals is under way: the
 * renewal, signed by the intermediate being tainted, answers after the tainted
 * bundle came in. The agent must still leave that intermediate within
 * `rotation.taintSpreadMs`: rescheduling by the lifetime on that answer used to
 * cancel the taint's renewal, and the agent stayed on the tainted intermediate
 * until its half-life (a contention round of `.ci/run` caught it).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { certificatesFromPem } from '../../agent-sdk/bundle.js';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { ENV, X509Source } from '../../agent-sdk/x509-source.js';
import { AuthorityClient } from '../../ca/authority-client.js';
import { type World, startWorld } from '../helpers/revocation-world.js';
import { startProxy } from '../helpers/tcp-proxy.js';

const SVID_TTL_MS = 5 * 60_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

it('ok/a renewal answered after the taint reached the agent does not cancel the renewal the taint asks for', async () => {
  const w = (world = await startWorld());
  const authorities = w.own(new AuthorityClient(w.t.ca.adminSocket));
  // Renewals go over mutual TLS through a proxy that can hold the CA's answers; the bundle
  // stream comes over the public listener, directly.
  const proxy = w.own(await startProxy());
  proxy.target = w.t.endpoints.mtlsAddress;
  // The agent's clock starts 4 s before its first SVID expires, so its schedule renews in 2 s;
  // set right afterwards, it schedules the next renewal by the lifetime, minutes away.
  let aheadMs = SVID_TTL_MS - 4_000;
  const spawned = await w.orchestrator.spawn('task-1', { sponsor: 'user:alice', ttlMs: SVID_TTL_MS });
  const agent = w.own(await X509Source.fromTicket({
    ticket: spawned.env[ENV.ticket]!, endpoints: { address: w.t.endpoints.address, mtlsAddress: proxy.address },
    bundle: w.t.ca.authority.bundle, clock: { now: () => Date.now() + aheadMs },
    rotation: { renewWith: 'mutual-tls', jitter: 0, taintSpreadMs: 5_000 },
  }));
  const id = agent.getX509Svid().id.toString();
  const renewals = async () => (await w.t.admin.listAuditRecords({ limit: 1000 })).records
    .filter((r) => r.operation === 'renew' && r.outcome === 'allowed' && r.subject === id).length;
  const issuerKey = () => readCertificate(agent.getX509Svid().certificates[1]!).subjectPublicKeyInfo;
  const issuers: Buffer[] = [];
  agent.on('update', () => issuers.push(issuerKey()));

  // The scheduled renewal goes out on the connection open since the start: the CA signs it
  // with the first intermediate, and its answer is held.
  proxy.hold();
  aheadMs = 0;
  await vi.waitFor(async () => expect(await renewals()).toBe(1), { timeout: 10_000, interval: 50 });
  const [first] = (await authorities.list('x509')).authorities;
  const firstKey = readCertificate(certificatesFromPem(first!.certificatePem)[0]!).subjectPublicKeyInfo;
  const { authorityId: second } = await authorities.prepare('x509');
  await authorities.step('x509', 'activate');
  await authorities.step('x509', 'taint', first!.authorityId);
  await vi.waitFor(() => expect(agent.bundle.taintedAuthorities.some((k) => k.equals(firstKey))).toBe(true), { timeout: 10_000, interval: 20 });
  proxy.release();

  const { authorities: listed } = await authorities.list('x509');
  const secondKey = readCertificate(certificatesFromPem(listed.find((a) => a.authorityId === second)!.certificatePem)[0]!).subjectPublicKeyInfo;
  await vi.waitFor(() => expect(issuerKey().equals(secondKey), 'the agent leaves the tainted intermediate').toBe(true), { timeout: 15_000, interval: 50 });
  // On the way it took the held answer, an SVID of the tainted one.
  expect(issuers.findIndex((k) => k.equals(firstKey))).toBeGreaterThanOrEqual(0);
  expect(issuers.findIndex((k) => k.equals(firstKey))).toBeLessThan(issuers.findIndex((k) => k.equals(secondKey)));
});
