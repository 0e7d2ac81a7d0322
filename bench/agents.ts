/**
 * What the load generators prepare before a timed part: an attested
 * orchestrator, and for each agent to activate its key, its CSR and a spawn
 * ticket from the CA.
 */
import type { KeyObject } from 'node:crypto';
import { CaClient, type IssuedCertificates } from '../agent-sdk/ca-client.js';
import { readCertificate } from '../agent-sdk/certificate.js';
import { createCsr } from '../agent-sdk/csr.js';
import { generateP256Key } from '../agent-sdk/p256-key.js';
import type { SpiffeId } from '../agent-sdk/spiffe-id.js';
import type { X509Svid } from '../agent-sdk/svid.js';
import { Orchestrator } from '../agent-sdk/orchestrator.js';
import { joinTokenClient } from '../node-attestor/join-token/client.js';
import { AdminClient } from '../ca/admin-client.js';
import type { CaProcess } from './ca-handle.js';
import { closedLoop, nowMs } from './stats.js';

/** One agent ready to activate. */
export interface PreparedAgent {
  readonly key: KeyObject;
  readonly csr: Buffer;
  readonly ticket: string;
  /** The SPIFFE ID the ticket was spawned for. */
  readonly id: SpiffeId;
}

/** Attests an orchestrator with a one-time join token from the CA's admin socket. */
export async function attestOrchestrator(ca: CaProcess, name: string): Promise<Orchestrator> {
  const admin = new AdminClient(ca.adminSocket);
  try {
    const { token } = await admin.createJoinToken({ orchestrator: name });
    return await Orchestrator.attest({ attestor: joinTokenClient(token), endpoints: ca.endpoints, bundle: ca.bundle });
  } finally {
    admin.close();
  }
}

/**
 * Makes `count` keys and CSRs, and spawn tickets for them (64 spawns in
 * flight). Resolves with the agents and how long the preparation took.
 */
export async function prepareAgents(
  orchestrator: Orchestrator, count: number, taskId = 'bench',
): Promise<{ agents: PreparedAgent[]; prepareMs: number }> {
  const started = nowMs();
  const keys: { key: KeyObject; csr: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const privateKey = generateP256Key();
    keys.push({ key: privateKey, csr: createCsr(privateKey) });
  }
  const tickets: { ticket: string; id: SpiffeId }[] = [];
  let next = 0;
  const client = orchestrator.source.caClient;
  const { failures, firstError } = await closedLoop(64, Number.POSITIVE_INFINITY, () => {
    if (next++ >= count) return undefined;
    return client.spawn({ taskId, sponsor: 'user:bench' }).then(({ ticket, id }) => void tickets.push({ ticket, id }));
  });
  if (failures > 0) throw new Error(`preparing spawn tickets failed ${failures} times`, { cause: firstError });
  return { agents: keys.map((k, i) => ({ ...k, ...tickets[i]! })), prepareMs: nowMs() - started };
}

/** Pairs certificates from the CA with their key, as X509Source does. */
export function svidOf(issued: IssuedCertificates, privateKey: KeyObject): X509Svid {
  const leaf = readCertificate(issued.certificates[0]!);
  return { id: issued.id, certificates: issued.certificates, privateKey, notBeforeMs: leaf.notBeforeMs, expiresAtMs: leaf.notAfterMs };
}

/** Spawns and activates `count` agents (32 activations in flight) and returns their SVIDs. */
export async function activateAgents(ca: CaProcess, orchestrator: Orchestrator, count: number, taskId: string): Promise<X509Svid[]> {
  const { agents } = await prepareAgents(orchestrator, count, taskId);
  const client = new CaClient({ endpoints: ca.endpoints, bundle: ca.bundle });
  const svids: X509Svid[] = [];
  let next = 0;
  try {
    const { failures, firstError } = await closedLoop(32, Number.POSITIVE_INFINITY, () => {
      const agent = agents[next++];
      return agent && client.activate(agent.ticket, agent.csr).then((issued) => void svids.push(svidOf(issued, agent.key)));
    });
    if (failures > 0) throw new Error(`activating agents failed ${failures} times`, { cause: firstError });
    return svids;
  } finally {
    client.close();
  }
}
