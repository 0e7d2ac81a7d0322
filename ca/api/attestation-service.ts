import type { ServerDuplexStream } from '@grpc/grpc-js';
import { TesseraError } from '../../agent-sdk/errors.js';
import type { NodeAttestationServiceHandlers } from '../../agent-sdk/gen/tessera/v1/NodeAttestationService.js';
import type { AttestRequest__Output } from '../../agent-sdk/gen/tessera/v1/AttestRequest.js';
import type { AttestResponse } from '../../agent-sdk/gen/tessera/v1/AttestResponse.js';
import type { AttestorRegistry } from '../../node-attestor/registry.js';
import type { IssuanceContext } from '../issuance/context.js';
import { attestOrchestrator } from '../issuance/attest.js';
import { type HandlerDeps, admitCall } from './handler.js';
import { toStatus } from './status.js';
import { trustBundleMessage, x509SvidMessage } from './wire.js';

const PATH = '/tessera.v1.NodeAttestationService/Attest';
type AttestCall = ServerDuplexStream<AttestRequest__Output, AttestResponse>;

/**
 * Attest: adapts the bidirectional stream to the plugin interface, so a plugin
 * sees only `attest(payload, challenge)`. The first message must be the params;
 * each later one answers the challenge before it.
 */
export function attestationHandlers(deps: HandlerDeps, ctx: IssuanceContext, attestors: AttestorRegistry): NodeAttestationServiceHandlers {
  return {
    Attest: (call: AttestCall) => {
      const inbox = new Inbox(call);
      admitCall(deps, PATH, call)
        .then(() => inbox.next())
        .then(async (first) => {
          if (first.step !== 'params' || !first.params) {
            throw new TesseraError('ERR_INVALID_ARGUMENT', 'the first message must carry the attestation params');
          }
          const { attestor, payload, csr } = first.params;
          const challenge = async (bytes: Uint8Array) => {
            call.write({ challenge: bytes });
            const answer = await inbox.next();
            if (answer.step !== 'challengeResponse') throw new TesseraError('ERR_INVALID_ARGUMENT', 'expected a challenge response');
            return answer.challengeResponse!;
          };
          const svid = await attestOrchestrator(ctx, attestors, { attestor, payload, csr }, challenge);
          call.write({ result: { svid: x509SvidMessage(svid), bundle: trustBundleMessage(ctx.authority.bundle, ctx.authority.jwtBundle) } });
          call.end();
        })
        .catch((err: unknown) => {
          call.emit('error', toStatus(err, deps.log, PATH));
        })
        .finally(() => inbox.close());
    },
  };
}

/** Turns the stream's 'data' events into awaitable messages, one at a time. */
class Inbox {
  readonly #queue: AttestRequest__Output[] = [];
  #waiter: { resolve(m: AttestRequest__Output): void; reject(e: unknown): void } | undefined;
  #failure: TesseraError | undefined;
  readonly #call: AttestCall;

  constructor(call: AttestCall) {
    this.#call = call;
    call.on('data', (message: AttestRequest__Output) => {
      if (this.#waiter) {
        this.#waiter.resolve(message);
        this.#waiter = undefined;
      } else if (this.#queue.length === 0) {
        this.#queue.push(message);
      } else {
        // The exchange strictly alternates: a second unanswered message is a
        // protocol violation, and refusing it bounds what a client can queue.
        this.#fail(new TesseraError('ERR_INVALID_ARGUMENT', 'sent a message before the previous one was answered'));
      }
    });
    const end = () => this.#fail(new TesseraError('ERR_ATTESTATION_FAILED', 'the orchestrator ended the stream before attestation finished'));
    call.on('end', end);
    call.on('cancelled', end);
  }

  next(): Promise<AttestRequest__Output> {
    if (this.#failure) return Promise.reject(this.#failure);
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #fail(error: TesseraError): void {
    this.#failure ??= error;
    this.#queue.length = 0;
    this.#waiter?.reject(this.#failure);
    this.#waiter = undefined;
  }

  close(): void {
    this.#call.removeAllListeners('data');
  }
}
