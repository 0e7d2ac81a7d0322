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
          call.write({ result: { svid: x509SvidMessage(svid), bundle: trustBundleMessage(ctx.authority.bundle) } });
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
  #ended = false;
  readonly #call: AttestCall;

  constructor(call: AttestCall) {
    this.#call = call;
    call.on('data', (message: AttestRequest__Output) => {
      if (this.#waiter) {
        this.#waiter.resolve(message);
        this.#waiter = undefined;
      } else {
        this.#queue.push(message);
      }
    });
    const end = () => {
      this.#ended = true;
      this.#waiter?.reject(new TesseraError('ERR_ATTESTATION_FAILED', 'the orchestrator ended the stream before attestation finished'));
      this.#waiter = undefined;
    };
    call.on('end', end);
    call.on('cancelled', end);
  }

  next(): Promise<AttestRequest__Output> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#ended) return Promise.reject(new TesseraError('ERR_ATTESTATION_FAILED', 'the orchestrator ended the stream before attestation finished'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  close(): void {
    this.#call.removeAllListeners('data');
  }
}
