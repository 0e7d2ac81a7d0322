import 'reflect-metadata';
import { X509Certificate, createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CaClient } from '../../agent-sdk/ca-client.js';
import { OID, readCertificate, readExtendedKeyUsage, readKeyUsage, readSubjectAltNames } from '../../agent-sdk/certificate.js';
import { createCsr } from '../../agent-sdk/csr.js';
import { encode, explicit, octetString, oid, sequence, smallInteger, time, unsignedInteger } from '../../agent-sdk/der.js';
import { LINEAGE_OID } from '../../agent-sdk/lineage.js';
import { LeafTemplate, distinguishedName, extension, keyIdentifier, newSerial } from '../../ca/authority/template.js';
import { type TestCa, startTestCa } from '../helpers/ca-server.js';
import { attestOrchestrator, clientWith, newKey, toSvid } from '../helpers/agents.js';
import { expectX509SvidProfile } from '../helpers/svid-profile.js';

// The fast issuance path (ca/authority: one-pass leaf template; the CSR key import is in csr-checker.test.ts)
// must make exactly the certificates the general encoder and the profile say.

let t: TestCa | undefined;
const clients: CaClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await t?.close();
  t = undefined;
});

/** The leaf TBSCertificate as the general DER helpers build it, nested concatenation and all. */
function generalTbs(issuer: { subject: Buffer; keyIdentifier: Buffer }, p: {
  serial: Buffer; notBeforeMs: number; notAfterMs: number; subjectPublicKeyInfo: Buffer; spiffeId: string; lineage?: Buffer;
}): Buffer {
  return sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(p.serial),
    sequence(oid(OID.ecdsaWithSha256)),
    issuer.subject,
    sequence(time(p.notBeforeMs), time(p.notAfterMs)),
    distinguishedName(),
    p.subjectPublicKeyInfo,
    explicit(3, sequence(
      extension(OID.basicConstraints, true, sequence()),
      extension(OID.keyUsage, true, encode(0x03, Buffer.from([0x07, 0x80]))),
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth), oid(OID.clientAuth))),
      extension(OID.authorityKeyIdentifier, false, sequence(encode(0x80, issuer.keyIdentifier))),
      extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(p.subjectPublicKeyInfo))),
      extension(OID.subjectAltName, false, sequence(encode(0x86, Buffer.from(p.spiffeId, 'ascii')))),
      ...(p.lineage ? [sequence(oid(LINEAGE_OID), octetString(p.lineage))] : []),
    )),
  );
}

describe('fast path: leaf template', () => {
  it('ok/writes the same bytes as the general encoder, for any lengths and dates', () => {
    const issuer = { subject: distinguishedName('Tessera intermediate CA tessera.local'), keyIdentifier: randomBytes(20) };
    const template = new LeafTemplate(issuer);
    const spki = Buffer.from(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }));
    const segment = fc.stringMatching(/^[a-z0-9._-]{1,40}$/);
    fc.assert(fc.property(
      fc.array(segment, { minLength: 1, maxLength: 12 }),
      // 1970 to 2200: UTCTime up to 2049, GeneralizedTime from 2050.
      fc.integer({ min: 0, max: 7_258_118_400_000 }),
      fc.integer({ min: 0, max: 400 * 86_400_000 }),
      fc.option(fc.uint8Array({ minLength: 1, maxLength: 70_000 }), { nil: undefined }),
      fc.constantFrom(spki, Buffer.concat([spki, Buffer.alloc(200, 1)])),
      (segments, notBeforeMs, lifetimeMs, lineage, subjectPublicKeyInfo) => {
        const params = {
          serial: newSerial(), notBeforeMs, notAfterMs: notBeforeMs + lifetimeMs, subjectPublicKeyInfo,
          spiffeId: `spiffe://tessera.local/${segments.join('/')}`, ...(lineage ? { lineage: Buffer.from(lineage) } : {}),
        };
        expect(template.tbs(params).equals(generalTbs(issuer, params))).toBe(true);
      },
    ), { numRuns: 300 });
  });
});

describe('fast path: serials', () => {
  it('ok/serials drawn across several refills of the random pool are 17 bytes, positive with the top bits 01, and all distinct', () => {
    const serials = Array.from({ length: 1000 }, () => newSerial());
    for (const serial of serials) {
      expect(serial.length).toBe(17);
      expect(serial[0]! >> 6).toBe(1);
    }
    expect(new Set(serials.map((s) => s.toString('hex'))).size).toBe(serials.length);
    // Each serial is its own copy: changing one changes no other.
    serials[0]!.fill(0);
    expect(serials[1]!.some((b) => b !== 0)).toBe(true);
  });
});

describe('fast path: issued through the real path', () => {
  it('ok/activation and renewal SVIDs fit every field of the profile for our reader, Node, @peculiar/x509 and openssl', async () => {
    t = await startTestCa();
    const ca = t;
    const root = ca.ca.authority.bundle.authorities[0]!;
    const orchestrator = await attestOrchestrator(ca, 'orch-fast');
    const spawner = clientWith(ca.endpoints, ca.ca.authority.bundle, orchestrator);
    clients.push(spawner);
    const spawned = await spawner.spawn({ taskId: 'task-fast', sponsor: 'user:fast', scopes: [] });
    const agentKey = newKey();
    const anonymous = new CaClient({ endpoints: ca.endpoints, bundle: ca.ca.authority.bundle });
    clients.push(anonymous);
    const before = Date.now();
    const agent = toSvid(await anonymous.activate(spawned.ticket, createCsr(agentKey)), agentKey);
    const renewKey = newKey();
    const renewer = clientWith(ca.endpoints, ca.ca.authority.bundle, agent);
    clients.push(renewer);
    const renewed = toSvid(await renewer.renew(createCsr(renewKey)), renewKey);

    for (const [svid, key] of [[agent, agentKey], [renewed, renewKey]] as const) {
      const spiffeId = spawned.id.toString();
      await expectX509SvidProfile(svid.certificates, root, { spiffeId, privateKey: key });
      const leafDer = svid.certificates[0]!;
      const intermediate = readCertificate(svid.certificates[1]!);
      const fields = readCertificate(leafDer);

      // Every field, read from the DER.
      expect(fields.version).toBe(3);
      expect(fields.serialHex).toMatch(/^[4-7][0-9a-f]{33}$/); // 17 bytes, positive, 134 random bits
      expect(fields.signatureAlgorithm).toBe(OID.ecdsaWithSha256);
      expect(fields.issuer.equals(intermediate.subject)).toBe(true);
      expect(fields.subject.equals(distinguishedName())).toBe(true);
      expect(fields.subjectPublicKeyInfo.equals(createPublicKey(key).export({ format: 'der', type: 'spki' }))).toBe(true);
      expect(fields.notBeforeMs).toBeLessThanOrEqual(before - 4_000);
      expect(fields.notBeforeMs).toBeGreaterThan(before - 7_000);
      expect(fields.notAfterMs - fields.notBeforeMs).toBeGreaterThan(300_000 - 3_000);
      expect(fields.notAfterMs - fields.notBeforeMs).toBeLessThanOrEqual(305_000);
      expect([...fields.extensions.keys()]).toEqual([
        OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, OID.authorityKeyIdentifier, OID.subjectKeyIdentifier, OID.subjectAltName,
        ...(fields.extensions.has(LINEAGE_OID) ? [LINEAGE_OID] : []),
      ]);
      expect(fields.extensions.get(OID.basicConstraints)).toMatchObject({ critical: true, value: Buffer.from([0x30, 0x00]) });
      expect(fields.extensions.get(OID.keyUsage)?.critical).toBe(true);
      expect([...readKeyUsage(fields)!]).toEqual([0]);
      expect(fields.extensions.get(OID.extKeyUsage)?.critical).toBe(false);
      expect(readExtendedKeyUsage(fields)).toEqual([OID.serverAuth, OID.clientAuth]);
      const intermediateSki = intermediate.extensions.get(OID.subjectKeyIdentifier)!.value;
      expect(fields.extensions.get(OID.authorityKeyIdentifier)?.value.equals(sequence(encode(0x80, intermediateSki.subarray(2))))).toBe(true);
      const ski = createHash('sha256').update(fields.subjectPublicKeyInfo).digest().subarray(0, 20);
      expect(fields.extensions.get(OID.subjectKeyIdentifier)?.value.equals(octetString(ski))).toBe(true);
      expect(readSubjectAltNames(fields)).toEqual({ uris: [spiffeId], count: 1 });
      expect(fields.extensions.get(OID.subjectAltName)?.critical).toBe(false);
      expect(fields.extensions.get(LINEAGE_OID)?.critical ?? false).toBe(false);

      // DER, not just BER: a schema round trip re-encodes to the very same bytes.
      const parsed = AsnConvert.parse(leafDer, Certificate);
      expect(Buffer.from(AsnConvert.serialize(parsed)).equals(leafDer)).toBe(true);
      // Node sees the same validity and key.
      const node = new X509Certificate(leafDer);
      expect(Date.parse(node.validFrom)).toBe(fields.notBeforeMs);
      expect(Date.parse(node.validTo)).toBe(fields.notAfterMs);
      expect(node.serialNumber.toLowerCase()).toBe(fields.serialHex);
    }
    expect(renewed.certificates[0]!.equals(agent.certificates[0]!)).toBe(false);
  });
});
