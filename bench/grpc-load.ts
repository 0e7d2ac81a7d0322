/**
 * A minimal gRPC unary caller over node:http2, for the benchmarks' load
 * generator, in the manner of ghz and h2load: the caller hands in request
 * frames encoded before the timed part, a call is one HEADERS and one DATA
 * frame, and the reply comes back as the message bytes, undecoded. The load
 * generator shares the machine's cores with the CA it measures, so whatever it
 * spends per call is taken from the CA; grpc-js and the SDK's CaClient cost
 * about twice what this does (docs/benchmarks.md).
 *
 * The CA is still authenticated as the SDK's CaClient authenticates it: OpenSSL
 * checks the chain against the bundle's roots, then the server certificate must
 * name `spiffe://<td>/tessera/ca`.
 */
import http2 from 'node:http2';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { X509Bundle } from '../agent-sdk/bundle.js';
import { checkCaIdentity } from '../agent-sdk/ca-client.js';
import { ERROR_CODE_TRAILER } from '../agent-sdk/error-status.js';

/** One prepared unary call: resolves with the reply's message bytes. */
export type UnaryCaller = (frame: Buffer) => Promise<Buffer>;

/** Bytes before each gRPC message on the wire: a compressed flag and a big-endian length. */
const PREFIX_BYTES = 5;

/** Sent as grpc-timeout, so the CA ends a call that hangs; a benchmark call never takes this long. */
const DEADLINE = '10S';

/**
 * A protobuf message as one gRPC length-prefixed frame (uncompressed).
 *
 * @example const frame = grpcFrame(method.requestSerialize({ ticket, csr }));
 */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, PREFIX_BYTES);
  return frame;
}

/**
 * Several HTTP/2 sessions to the CA's public TLS port; calls are spread over
 * them round robin. Not a general gRPC client: unary calls only, no
 * compression, no retries, no reconnection (a lost session fails its calls).
 *
 * @example
 * const client = await GrpcLoadClient.create({ address: ca.endpoints.address, bundle: ca.bundle, sessions: 4 });
 * const activate = client.unary('/tessera.v1.SVIDService/Activate');
 * const reply = await activate(frame);
 */
export class GrpcLoadClient {
  readonly #sessions: http2.ClientHttp2Session[];
  #next = 0;

  private constructor(sessions: http2.ClientHttp2Session[]) {
    this.#sessions = sessions;
  }

  /**
   * Opens `sessions` connections and resolves once every one has completed its
   * handshake with a verified CA.
   *
   * @throws (rejects) {PeerError} or {SvidError} when the server is not the CA
   *   of `bundle`'s trust domain; network errors as node:http2 reports them.
   */
  static async create(params: { address: string; bundle: X509Bundle; sessions: number }): Promise<GrpcLoadClient> {
    const opened = await Promise.allSettled(Array.from({ length: params.sessions }, () => connect(params.address, params.bundle)));
    const sessions = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed) {
      for (const session of sessions) session.destroy();
      throw failed.reason;
    }
    return new GrpcLoadClient(sessions);
  }

  /**
   * A caller for the full method path `path` ('/tessera.v1.SVIDService/Activate').
   * Each call rejects with a GrpcStatusError when the CA answers with a
   * status other than OK, with an Error when the stream fails or the reply is
   * not one uncompressed message.
   */
  unary(path: string): UnaryCaller {
    // node:http2 copies the headers of each request, so one object serves every call.
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': DEADLINE,
    };
    return (frame) => callUnary(this.#sessions[this.#next++ % this.#sessions.length]!, path, headers, frame);
  }

  /** Closes every session once its calls have ended. */
  async close(): Promise<void> {
    await Promise.all(this.#sessions.map((session) => new Promise<void>((resolve) => session.close(resolve))));
  }
}

/** A reply whose grpc-status was not OK. */
export class GrpcStatusError extends Error {
  /** The numeric grpc-status. */
  readonly status: number;
  /** The decoded grpc-message, '' when absent. */
  readonly grpcMessage: string;
  /** The `tessera-error-code` trailer, when the CA sent one. */
  readonly errorCode: string | undefined;

  constructor(path: string, status: number, grpcMessage: string, errorCode: string | undefined) {
    const name = grpcStatus[status] ?? 'UNKNOWN';
    super(`${path}: grpc-status ${status} (${name}), grpc-message "${grpcMessage}"${errorCode ? `, ${ERROR_CODE_TRAILER} ${errorCode}` : ''}`);
    this.name = 'GrpcStatusError';
    this.status = status;
    this.grpcMessage = grpcMessage;
    this.errorCode = errorCode;
  }
}

function connect(address: string, bundle: X509Bundle): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://${address}`, {
      ca: bundle.toPem(),
      // SNI must be a host name, not the IP we dial; the CA is identified by its SPIFFE ID (as in ca-client.ts).
      servername: bundle.trustDomain,
      checkServerIdentity: checkCaIdentity(bundle.trustDomain),
    });
    session.once('error', reject);
    session.once('connect', () => {
      session.off('error', reject);
      // A session error after the handshake also errors each open stream, which
      // rejects its call; without a listener it would end the process instead.
      session.on('error', () => {});
      resolve(session);
    });
  });
}

function callUnary(session: http2.ClientHttp2Session, path: string, headers: http2.OutgoingHttpHeaders, frame: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Throws at once on a closed session; the executor turns that into a rejection.
    const stream = session.request(headers);
    const chunks: Buffer[] = [];
    let head: http2.IncomingHttpHeaders | undefined;
    let trailers: http2.IncomingHttpHeaders | undefined;
    stream.on('response', (h) => (head = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('close', () => {
      // A failed call puts its status in the response headers alone ("trailers-only").
      const end = trailers ?? head;
      const status = end?.['grpc-status'];
      if (status === undefined) {
        reject(new Error(`${path}: the stream ended without a grpc-status (HTTP ${String(head?.[':status'])}, RST_STREAM ${stream.rstCode})`));
      } else if (status !== '0') {
        reject(new GrpcStatusError(path, Number(status), decodeGrpcMessage(end?.['grpc-message']), headerText(end?.[ERROR_CODE_TRAILER])));
      } else {
        try {
          resolve(messageOf(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), path));
        } catch (err) {
          reject(err);
        }
      }
    });
    stream.end(frame);
  });
}

/** The one message of a unary reply, without its prefix. */
function messageOf(body: Buffer, path: string): Buffer {
  if (body.length < PREFIX_BYTES) throw new Error(`${path}: the reply has ${body.length} bytes, less than a gRPC frame prefix`);
  if (body[0] !== 0) throw new Error(`${path}: the reply is compressed, which this client never asks for`);
  const length = body.readUInt32BE(1);
  if (body.length !== PREFIX_BYTES + length) {
    throw new Error(`${path}: the reply holds ${body.length - PREFIX_BYTES} bytes after its prefix, which announces ${length}`);
  }
  return body.subarray(PREFIX_BYTES);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** gRPC over HTTP/2: grpc-message is percent-encoded UTF-8. */
function decodeGrpcMessage(value: string | string[] | undefined): string {
  const text = headerText(value) ?? '';
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
