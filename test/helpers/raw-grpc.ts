import * as grpc from '@grpc/grpc-js';
import { checkCaIdentity } from '../../agent-sdk/ca-client.js';
import { ERROR_CODE_TRAILER } from '../../agent-sdk/error-status.js';
import type { X509Svid } from '../../agent-sdk/svid.js';
import { clientContext } from '../../agent-sdk/tls-material.js';
import type { TestCa } from './ca-server.js';

/** What the CA answered a raw call: the gRPC status and the typed code in its trailer. */
export interface RawAnswer {
  readonly status: grpc.status;
  readonly code: string | undefined;
  readonly details: string;
  /** The response bytes of a call that succeeded. */
  readonly response?: Buffer;
}

const identity = (b: Buffer) => b;

/** A client of the CA's listener `which` that sends and receives bytes as they are; close it after use. */
export function rawClient(t: TestCa, which: 'public' | 'mtls' | 'admin', svid?: X509Svid): grpc.Client {
  const bundle = t.ca.authority.bundle;
  if (which === 'admin') return new grpc.Client(`unix:${t.ca.adminSocket}`, grpc.credentials.createInsecure());
  if (which === 'public') {
    const credentials = grpc.credentials.createSsl(Buffer.from(bundle.toPem()), null, null, { checkServerIdentity: checkCaIdentity(bundle.trustDomain) });
    return new grpc.Client(t.endpoints.address, credentials);
  }
  // As CaClient connects: the SVID's client context, the CA checked by its SPIFFE ID, SNI a host name.
  const roots = { getX509BundleForTrustDomain: (td: string) => (td === bundle.trustDomain ? bundle : undefined) };
  const credentials = grpc.credentials.createFromSecureContext(
    clientContext({ getX509Svid: () => svid! }, roots, [bundle.trustDomain]), { checkServerIdentity: checkCaIdentity(bundle.trustDomain) },
  );
  return new grpc.Client(t.endpoints.mtlsAddress, credentials, { 'grpc.ssl_target_name_override': bundle.trustDomain });
}

/** One unary call of `path` with `bytes` as the encoded request. */
export function rawUnary(client: grpc.Client, path: string, bytes: Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, identity, identity, bytes, { deadline: Date.now() + 10_000 }, (err, response) => {
      if (err) resolve({ status: err.code, code: err.metadata?.get(ERROR_CODE_TRAILER)[0] as string | undefined, details: err.details });
      else resolve({ status: grpc.status.OK, code: undefined, details: '', response: response! });
    });
  });
}

/**
 * Opens a stream of `path` (server or bidi streaming), writes `messages` (a bidi
 * stream is then half-closed), and resolves with how it ended: its error, or OK
 * at its first message or its end (the stream is then cancelled).
 */
export function rawStream(client: grpc.Client, path: string, messages: Buffer[], bidi: boolean): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const options = { deadline: Date.now() + 10_000 };
    const call = bidi
      ? client.makeBidiStreamRequest(path, identity, identity, options)
      : client.makeServerStreamRequest(path, identity, identity, messages[0]!, options);
    const ok = () => {
      resolve({ status: grpc.status.OK, code: undefined, details: '' });
      call.cancel();
    };
    call.on('data', ok);
    call.on('error', (err: grpc.ServiceError) => resolve({ status: err.code, code: err.metadata?.get(ERROR_CODE_TRAILER)[0] as string | undefined, details: err.details }));
    call.on('end', ok);
    if (bidi) {
      const duplex = call as grpc.ClientDuplexStream<Buffer, Buffer>;
      for (const m of messages) duplex.write(m);
      duplex.end();
    }
  });
}
