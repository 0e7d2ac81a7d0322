import * as grpc from '@grpc/grpc-js';
import type { X509Svid } from '../agent-sdk/svid.js';
import { type ErrorCode, TesseraError } from '../agent-sdk/errors.js';
import { verifyJwtSvidClaims } from '../agent-sdk/validate-jwt-svid.js';
import type { WorkloadProcess } from './peer-credentials.js';
import type { Workload, Workloads } from './workloads.js';
import { toJsonStruct } from './struct.js';
import { toStatus } from '../agent-sdk/error-status.js';
import type { Log } from './log.js';

/** Workload Endpoint 3: every call carries this header, so a browser tricked into a request (SSRF) cannot get an answer. */
const SECURITY_HEADER = 'workload.spiffe.io';

/** What the kernel said of a call's process, and the workload it is, if any. */
export type CallerOf = (call: Call) => { process: WorkloadProcess | undefined; workload: Workload | undefined };

type Call = Pick<grpc.ServerUnaryCall<unknown, unknown>, 'metadata' | 'getPeer'>;

type Stream = grpc.ServerWritableStream<unknown, unknown>;
type Unary = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;

/**
 * The SpiffeWorkloadAPI handlers (SPIFFE Workload API 5 and 6) for the
 * workloads in `workloads`. Each call is answered only after the security
 * header is checked (INVALID_ARGUMENT without it) and the caller is found
 * (PERMISSION_DENIED for a process the agent did not start). Streams send the
 * full state at once and again after every rotation or bundle change, and end
 * with PERMISSION_DENIED when the workload is removed. The WIT-SVID methods
 * answer UNIMPLEMENTED.
 *
 * @example server.addService(workloadApiService(), workloadApiHandlers(workloads, callerOf, log));
 */
export function workloadApiHandlers(workloads: Workloads, callerOf: CallerOf, log: Log): grpc.UntypedServiceImplementation {
  const authorize = (call: Call, method: string): Workload => {
    const { process: caller, workload } = callerOf(call);
    // Every refusal is logged with what the kernel said of the caller (the CA's audit log has no place for it: docs/workload-api.md).
    const deny = (code: ErrorCode, message: string) => {
      log.warn({ event: 'workload.denied', method, pid: caller?.pid, uid: caller?.uid, outcome: 'denied', code }, message);
      return new TesseraError(code, message);
    };
    if (call.metadata.get(SECURITY_HEADER)[0] !== 'true') throw deny('ERR_INVALID_ARGUMENT', `the ${SECURITY_HEADER}: true header is required`);
    if (!workload) throw deny('ERR_PERMISSION_DENIED', 'no identity is registered for this process');
    return workload;
  };

  /** A stream that writes `state()` now and after each update of the workload's source, until it is removed or the client goes. */
  const follow = (method: string, state: (workload: Workload) => object) => (call: Stream) => {
    let workload: Workload;
    try {
      workload = authorize(call, method);
    } catch (err) {
      call.emit('error', toStatus(err, log, method));
      return;
    }
    let last = '';
    const send = () => {
      const message = state(workload);
      const key = JSON.stringify(message);
      // Workload API 4.3: every message is the full state; an update that changes nothing here (a bundle stream during a rotation) is not sent.
      if (key === last) return;
      last = key;
      call.write(message);
    };
    const removed = (gone: Workload) => {
      if (gone !== workload) return;
      stop();
      // Workload API 5.2.1: PERMISSION_DENIED tells the client to stop using what it got.
      call.emit('error', toStatus(new TesseraError('ERR_PERMISSION_DENIED', 'this process no longer holds an identity (released or revoked)'), log, method));
    };
    const stop = () => {
      workload.source.off('update', send);
      workloads.off('removed', removed);
    };
    workload.source.on('update', send);
    workloads.on('removed', removed);
    call.on('cancelled', stop);
    call.on('close', stop);
    send();
  };

  const unary = (method: string, handle: (workload: Workload, request: Record<string, unknown>) => Promise<object>) =>
    (call: Unary, callback: grpc.sendUnaryData<unknown>) => {
      Promise.resolve()
        .then(() => handle(authorize(call, method), call.request))
        .then((response) => callback(null, response), (err: unknown) => callback(toStatus(err, log, method)));
    };

  return {
    FetchX509SVID: follow('FetchX509SVID', (w) => ({ svids: [x509SvidMessage(w.source.getX509Svid(), w)], crl: [], federated_bundles: {} })),
    FetchX509Bundles: follow('FetchX509Bundles', (w) => ({ crl: [], bundles: x509Bundles(w) })),
    FetchJWTBundles: follow('FetchJWTBundles', (w) => ({ bundles: jwtBundles(w) })),
    FetchJWTSVID: unary('FetchJWTSVID', async (w, request) => {
      const audience = request.audience as string[];
      // Workload API 6.2.1: audience is mandatory. A Tessera JWT-SVID names one audience (JWT-SVID 3 allows it; replay across services is then impossible).
      if (audience.length !== 1 || !audience[0]) throw new TesseraError('ERR_INVALID_ARGUMENT', 'exactly one audience is required');
      const wanted = request.spiffe_id as string;
      if (wanted && wanted !== w.id.toString()) throw new TesseraError('ERR_PERMISSION_DENIED', 'this process holds no such SPIFFE ID');
      const minted = await w.source.caClient.mintJwtSvid({ audience: audience[0] });
      return { svids: [{ spiffe_id: minted.id.toString(), svid: minted.token, hint: '' }] };
    }),
    ValidateJWTSVID: unary('ValidateJWTSVID', async (w, request) => {
      const [audience, token] = [request.audience as string, request.svid as string];
      if (!audience || !token) throw new TesseraError('ERR_INVALID_ARGUMENT', 'audience and svid are required');
      const { subject, claims } = await verifyJwtSvidClaims(token, { bundle: w.source, audience });
      return { spiffe_id: subject.toString(), claims: toJsonStruct(claims as unknown as Record<string, unknown>) };
    }),
    FetchWITSVID: unimplemented('FetchWITSVID'),
    FetchWITBundles: unimplemented('FetchWITBundles'),
  };
}

function unimplemented(method: string) {
  return (call: Stream) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: `${method} is not implemented by this agent` });
}

/** X509SVID: the leaf first, then intermediates; the key as unencrypted PKCS#8; the bundle as concatenated DER (Workload API 5.1). */
function x509SvidMessage(svid: X509Svid, workload: Workload) {
  return {
    spiffe_id: svid.id.toString(),
    x509_svid: Buffer.concat(svid.certificates),
    x509_svid_key: svid.privateKey.export({ type: 'pkcs8', format: 'der' }),
    bundle: Buffer.concat(workload.source.bundle.authorities),
    hint: '',
  };
}

/** Bundles keyed by the SPIFFE ID of their trust domain (spiffe://td), as SPIRE and go-spiffe key them. */
function x509Bundles(workload: Workload): Record<string, Buffer> {
  const bundle = workload.source.bundle;
  return { [`spiffe://${bundle.trustDomain}`]: Buffer.concat(bundle.authorities) };
}

function jwtBundles(workload: Workload): Record<string, Buffer> {
  const trustDomain = workload.source.bundle.trustDomain;
  const jwt = workload.source.getJwtBundleForTrustDomain(trustDomain);
  return jwt ? { [`spiffe://${trustDomain}`]: Buffer.from(JSON.stringify(jwt.toJwks())) } : {};
}
