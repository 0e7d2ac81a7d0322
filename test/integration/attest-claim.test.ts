import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../agent-sdk/clock.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { readCertificate, readSubjectAltNames } from '../../agent-sdk/certificate.js';
import { Journal } from '../../ca/audit/journal.js';
import { AUDIT_PREFIX, parseRecord, prefixRange } from '../../ca/audit/record.js';
import { Authority } from '../../ca/authority/authority.js';
import { CsrChecker } from '../../ca/authority/csr-checker.js';
import { loadOrCreateKeys } from '../../ca/authority/keys.js';
import { validateConfig } from '../../ca/config.js';
import { attestOrchestrator } from '../../ca/issuance/attest.js';
import type { IssuanceContext } from '../../ca/issuance/context.js';
import { createJoinToken, redeemJoinToken } from '../../ca/issuance/join-tokens.js';
import { identityKey } from '../../ca/issuance/records.js';
import { LevelStore } from '../../ca/store/level-store.js';
import { joinTokenAttestor } from '../../node-attestor/join-token/server.js';
import { createAttestorRegistry } from '../../node-attestor/registry.js';
import { InstrumentedStore } from '../helpers/failing-store.js';
import { newKey } from '../helpers/agents.js';

// A join token is used up in the transaction that issues the orchestrator's SVID
// (ca/issuance/join-tokens.ts, attest.ts), so a CA that cannot commit it has spent nothing.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function issuance(): Promise<{ ctx: IssuanceContext; store: InstrumentedStore }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-attest-claim-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const store = new InstrumentedStore(await LevelStore.create(join(dataDir, 'store')));
  cleanups.push(() => store.close());
  const config = validateConfig({ dataDir });
  const keys = await loadOrCreateKeys({
    dataDir, trustDomain: config.trustDomain, clock: systemClock, rootTtlMs: config.ttl.rootMs, intermediateTtlMs: config.ttl.intermediateMs,
  });
  const journal = await Journal.open({ store, clock: systemClock });
  cleanups.push(() => journal.close());
  const csrs = new CsrChecker({ workers: 1, maxBytes: config.limits.maxCsrBytes });
  cleanups.push(() => csrs.close());
  const authority = new Authority({ trustDomain: config.trustDomain, keys, clock: systemClock });
  return { ctx: { config, authority, csrs, journal, clock: systemClock, store }, store };
}

const noChallenge = async (): Promise<Uint8Array> => {
  throw new Error('join_token does not challenge');
};

describe('join token consumed with the SVID', () => {
  it('fail/an attestation whose commit fails spends no token; the next one gets the SVID, the one after is ERR_JOIN_TOKEN_USED', async () => {
    const { ctx, store } = await issuance();
    const registry = createAttestorRegistry([joinTokenAttestor({ redeem: (token) => redeemJoinToken(ctx, token) })]);
    const { token, spiffeId: orchestrator } = await createJoinToken(ctx, { orchestrator: 'build-farm' });
    const attest = () => attestOrchestrator(ctx, registry, { attestor: 'join_token', payload: Buffer.from(token), csr: createCsr(newKey()) }, noChallenge);

    // The write that issues the SVID fails: the CA never got to say it issued one.
    store.failWriteWhen = (ops) => ops.some((op) => op.key === identityKey(orchestrator));
    await expect(attest()).rejects.toMatchObject({ code: 'ERR_INTERNAL', message: 'state could not be made durable' });
    expect(store.failWriteWhen, 'the issuing write was attempted').toBeUndefined();

    const svid = await attest();
    expect(readSubjectAltNames(readCertificate(svid.certificates[0]!))?.uris).toEqual([orchestrator]);
    await expect(attest()).rejects.toMatchObject({ code: 'ERR_JOIN_TOKEN_USED' });

    // One allowed attestation, holding the serial it issued; the refusal after it is audited.
    const records = [];
    for await (const [, value] of store.entries(prefixRange(AUDIT_PREFIX))) records.push(parseRecord(value));
    expect(records.filter((r) => r.operation === 'attest').map((r) => [r.outcome, r.reason ?? r.serial])).toEqual([
      ['allowed', svid.serialHex], ['denied', 'ERR_JOIN_TOKEN_USED'],
    ]);
  });
});
