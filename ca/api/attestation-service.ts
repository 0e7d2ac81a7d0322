import type { ServerDuplexStream } from '@grpc/grpc-js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { NodeAttestationServiceHandlers } from '../../agent-sdk/gen/tessera/v1/NodeAttestationService.js';
import type { AttestRequest__Output } from '../../agent-sdk/gen/tessera/v1/AttestRequest.js';
import type { AttestResponse } from '../../agent-sdk/gen/tessera/v1/AttestResponse.js';
import type { AttestorRegistry } from '../../node-attestor/registry.js';
import type { IssuanceContext } from '../issuance/context.js';
import { attestOrchestrator } from '../issuance/attest.js';
import { checkAudited } from '../issuance/context.js';
import { type HandlerDeps, admitCall } from './handler.js';
import { UndecodableRequest } from './request-decode.js';
import { toStatus } from './status.js';
import { authorityBundleMessage, x509SvidMessage } from './wire.js';

const PATH = '/tessera.v1.NodeAttestationService/Attest';
type AttestCall = ServerDuplexStream<AttestRequest__Output, AttestResponse>;

/** How long the status waits, after the result, for the client to half-close the stream. */
const HALF_CLOSE_GRACE_MS = 1000;

/**
 * Attest: adapts the bidirectional stream to the plugin interface, so a plugin
 * sees only `attest(payload, challenge)`. The first message must be the params;
 * each later one answers the challenge before it. A stream is bounded whatever
 * the client does: its first message must come within
 * `limits.attestationFirstMessageTimeout` and the whole exchange end within
 * `limits.attestationTimeout` (ERR_TIMEOUT, audited), and its payload may hold
 * at most `limits.maxAttestationPayloadBytes` (ERR_LIMIT_EXCEEDED, audited).
 *
 * A stream should end with the CA's send. Ended by the client's END_STREAM
 * instead, it still counts against `limits.maxConcurrentStreams` in Node's
 * HTTP/2 server while a queued stream of the same client arrives right behind
 * it, in the same read: Node 22 and later reset that one with ENHANCE_YOUR_CALM
 * (the client sees ERR_LIMIT_EXCEEDED). So a client may half-close as soon as it
 * has sent all it will (the SDK does, for a plugin that declares its number of
 * challenges), and what it sent still counts; after the result the status waits
 * for the half-close (or HALF_CLOSE_GRACE_MS). A refusal before the client is
 * done cannot wait for it (the client waits for the CA), and still ends with
 * the client's END_STREAM.
 */
export function attestationHandlers(deps: HandlerDeps, ctx: IssuanceContext, attestors: AttestorRegistry): NodeAttestationServiceHandlers {
  const limits = ctx.config.limits;
  return {
    Attest: (call: AttestCall) => {
      const inbox = new Inbox(call);
      // Timers, not the clock: they must fire while nothing else happens. Failing the
      // inbox ends a wait for the client (the params, or a challenge's answer) only.
      const firstMessage = setTimeout(() => {
        if (inbox.received === 0) inbox.fail(new TesseraError('ERR_TIMEOUT', `no attestation params within ${limits.attestationFirstMessageTimeoutMs} ms`));
      }, limits.attestationFirstMessageTimeoutMs);
      const whole = setTimeout(() => inbox.fail(new TesseraError(
        'ERR_TIMEOUT', `attestation did not finish within ${limits.attestationTimeoutMs} ms`,
      )), limits.attestationTimeoutMs);
      admitCall(deps, PATH, call)
        // admitCall and attestOrchestrator audit their own refusals; the opening message's are audited here.
        .then(() => checkAudited(deps.journal, { operation: 'attest' }, async () => {
          const first = await inbox.next();
          if (first.step !== 'params' || !first.params) {
            throw new TesseraError('ERR_INVALID_ARGUMENT', 'the first message must carry the attestation params');
          }
          if (first.params.payload.length > limits.maxAttestationPayloadBytes) {
            throw new TesseraError('ERR_LIMIT_EXCEEDED', `attestation payload is larger than ${limits.maxAttestationPayloadBytes} bytes (limits.maxAttestationPayloadBytes)`);
          }
          return first.params;
        }))
        .then(async (params) => {
          const { attestor, payload, csr } = params;
          const challenge = async (bytes: Uint8Array) => {
            call.write({ challenge: bytes });
            const answer = await inbox.next();
            if (answer.step !== 'challengeResponse') throw new TesseraError('ERR_INVALID_ARGUMENT', 'expected a challenge response');
            return answer.challengeResponse!;
          };
          const svid = await attestOrchestrator(ctx, attestors, { attestor, payload, csr }, challenge);
          call.write({ result: { svid: x509SvidMessage(svid), bundle: authorityBundleMessage(ctx.authority) } });
          await inbox.halfClosed(HALF_CLOSE_GRACE_MS);
          call.end();
        })
        .catch((err: unknown) => {
          call.emit('error', toStatus(err, deps.log, PATH));
        })
        .finally(() => {
          clearTimeout(firstMessage);
          clearTimeout(whole);
          inbox.close();
        });
    },
  };
}

/** Turns the stream's 'data' events into awaitable messages, one at a time. */
class Inbox {
  readonly #queue: AttestRequest__Output[] = [];
  #waiter: { resolve(m: AttestRequest__Output): void; reject(e: unknown): void } | undefined;
  #failure: TesseraError | undefined;
  /** Set by the client's half-close: a wait that finds no message rejects with it. */
  #ended: TesseraError | undefined;
  readonly #call: AttestCall;
  /** Messages that arrived so far. */
  received = 0;
  /** Settles when the client half-closes or cancels the stream. */
  readonly #clientDone: Promise<void>;

  constructor(call: AttestCall) {
    this.#call = call;
    call.on('data', (message: AttestRequest__Output | UndecodableRequest) => {
      this.received += 1;
      if (message instanceof UndecodableRequest) {
        this.fail(message.error);
      } else if (this.#waiter) {
        this.#waiter.resolve(message);
        this.#waiter = undefined;
      } else if (this.#queue.length === 0) {
        this.#queue.push(message);
      } else {
        // The exchange strictly alternates: a second unanswered message is a
        // protocol violation, and refusing it bounds what a client can queue.
        this.fail(new TesseraError('ERR_INVALID_ARGUMENT', 'sent a message before the previous one was answered'));
      }
    });
    const ended = () => new TesseraError('ERR_ATTESTATION_FAILED', 'the orchestrator ended the stream before attestation finished');
    // A half-close says the client has sent all it will: what it sent still counts.
    call.on('end', () => {
      this.#ended = ended();
      this.#waiter?.reject(this.#ended);
      this.#waiter = undefined;
    });
    call.on('cancelled', () => this.fail(ended()));
    this.#clientDone = new Promise((resolve) => {
      call.once('end', resolve);
      call.once('cancelled', resolve);
    });
  }

  /** Resolves when the client has half-closed or cancelled the stream, or after `graceMs`. */
  async halfClosed(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#clientDone, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  next(): Promise<AttestRequest__Output> {
    if (this.#failure) return Promise.reject(this.#failure);
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#ended) return Promise.reject(this.#ended);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Rejects the current and every later wait with `error` (the first failure wins). */
  fail(error: TesseraError): void {
    this.#failure ??= error;
    this.#queue.length = 0;
    this.#waiter?.reject(this.#failure);
    this.#waiter = undefined;
  }

  close(): void {
    this.#call.removeAllListeners('data');
  }
}
