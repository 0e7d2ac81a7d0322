/**
 * The lineage OID's transition (docs/decisions.md): the CA writes only the new
 * OID, and an SVID a CA before 0.2.0 signed (its lineage under 2.25.<UUID>)
 * still verifies with the same lineage, delegation hops included.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readCertificate } from '../../agent-sdk/certificate.js';
import { LEGACY_LINEAGE_OID, LINEAGE_OID } from '../../agent-sdk/lineage.js';
import { verifyX509SvidLineage } from '../../agent-sdk/verify-lineage.js';
import { attestOrchestrator } from '../helpers/agents.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { renameExtension } from '../helpers/lineage-leaf.js';
import { closeAll, delegate, spawnAgent } from '../helpers/task-agents.js';

let t: TestCa | undefined;
afterEach(async () => {
  closeAll();
  await t?.close();
  t = undefined;
});

describe('the lineage OID transition', () => {
  it('ok/a delegated SVID under the old OID, signed by the same CA, verifies with the same lineage; the CA writes only the new one', async () => {
    t = await startTestCa();
    const orchestrator = await attestOrchestrator(t, 'orch-1');
    const parent = await spawnAgent(t, orchestrator, { scopes: ['read:files:*'] });
    const sub = await delegate(t, parent, { scopes: ['read:files:1'] });
    const [leaf, intermediate] = sub.svid.certificates as [Buffer, Buffer];
    const issued = readCertificate(leaf).extensions;
    expect([issued.has(LINEAGE_OID), issued.has(LEGACY_LINEAGE_OID)]).toEqual([true, false]);

    const old = renameExtension(leaf, LINEAGE_OID, LEGACY_LINEAGE_OID, t.ca.authority.checkpointSigner.privateKey);
    const moved = readCertificate(old).extensions;
    expect([moved.has(LINEAGE_OID), moved.has(LEGACY_LINEAGE_OID)]).toEqual([false, true]);
    const bundle = t.ca.authority.bundle;
    const current = verifyX509SvidLineage([leaf, intermediate], bundle);
    expect(current.lineage.hops).toHaveLength(1);
    expect(verifyX509SvidLineage([old, intermediate], bundle)).toEqual(current);
  });
});
