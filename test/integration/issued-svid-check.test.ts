import * as grpc from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { X509Source, type X509Svid } from '../../agent-sdk/index.js';
import { tesseraProto } from '../../agent-sdk/proto.js';
import { caId } from '../../agent-sdk/tessera-id.js';
import { createLeaf, type TestCert } from '../helpers/pki.js';
import { type TestTrustDomain, closeAfterEach, createTrustDomain, issueSvid } from '../helpers/svid-pki.js';

// The SDK takes the SVID its CA returns only if the certificate names the ID the
// CA reported and holds the key the SDK made. The CA here is a real gRPC server
// over TLS with the CA's identity, which answers Activate with what each test gives.

const TD = 'tessera.local';
const AGENT_ID = `spiffe://${TD}/agent/orch-a/t1/i1`;
let td: TestTrustDomain, caCert: TestCert, someoneElses: X509Svid;
const closers = closeAfterEach();

beforeAll(async () => {
  td = await createTrustDomain(TD);
  caCert = await createLeaf(td.intermediate, { uris: [caId(TD).toString()] });
  someoneElses = await issueSvid(td, AGENT_ID);
});

/** A CA whose Activate answers with `svid`; resolves with its address. */
async function caAnswering(svid: { spiffeId: string; certChain: Uint8Array[] }): Promise<string> {
  const server = new grpc.Server();
  server.addService(tesseraProto().tessera.v1.SVIDService.service, {
    Activate: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, {
        svid: { ...svid, expiresAtMs: Date.now() + 3_600_000 },
        bundle: { trustDomain: TD, x509Authorities: [td.root.der], sequenceNumber: 1 },
      }),
  });
  const credentials = grpc.ServerCredentials.createSsl(null, [{
    private_key: Buffer.from(caCert.privateKey.export({ format: 'pem', type: 'pkcs8' })),
    cert_chain: Buffer.from(caCert.cert.toString() + td.intermediate.cert.toString()),
  }], false);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  closers.push(() => server.forceShutdown());
  return `127.0.0.1:${port}`;
}

const activate = (address: string) =>
  X509Source.fromTicket({ ticket: 'a spawn ticket', endpoints: { address, mtlsAddress: address }, bundle: td.bundle, revocation: false });

describe('an SVID the CA returns', () => {
  it('fail/a valid certificate for the right ID but another key -> ERR_SVID_INVALID; the SDK does not take it', async () => {
    const address = await caAnswering({ spiffeId: AGENT_ID, certChain: [...someoneElses.certificates] });
    await expect(activate(address)).rejects.toMatchObject({ code: 'ERR_SVID_INVALID', message: 'the CA returned a certificate for another key' });
  });

  it('fail/a certificate that names another ID than the CA reported -> ERR_SVID_INVALID', async () => {
    const address = await caAnswering({ spiffeId: `spiffe://${TD}/agent/orch-a/t1/i2`, certChain: [...someoneElses.certificates] });
    await expect(activate(address)).rejects.toMatchObject({
      code: 'ERR_SVID_INVALID', message: `the CA returned a certificate that does not name spiffe://${TD}/agent/orch-a/t1/i2`,
    });
  });
});
