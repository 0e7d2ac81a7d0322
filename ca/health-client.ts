import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { TesseraError } from '../agent-sdk/errors.js';
import { CaUnreachableError } from './ca-unreachable.js';

export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

interface HealthStub extends grpc.Client {
  Check(req: { service: string }, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: ServingStatus }) => void): void;
}
const HealthClient = grpc.makeClientConstructor(healthService as grpc.ServiceDefinition, 'grpc.health.v1.Health') as unknown as new (
  address: string, credentials: grpc.ChannelCredentials,
) => HealthStub;

/**
 * Asks a CA for its grpc.health.v1 status on its admin socket; `service` ''
 * is the CA as a whole.
 *
 * @throws {TesseraError} ERR_UNAVAILABLE naming the socket when no CA answers there; ERR_NOT_FOUND for a service it does not know.
 * @example if (await checkHealth('/var/lib/tessera/admin.sock') !== 'SERVING') process.exitCode = 1;
 */
export function checkHealth(socketPath: string, service = '', timeoutMs = 5000): Promise<ServingStatus> {
  const client = new HealthClient(`unix:${socketPath}`, grpc.credentials.createInsecure());
  return new Promise<ServingStatus>((resolve, reject) => {
    client.Check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (!err) return resolve(res!.status);
      if (err.code === grpc.status.NOT_FOUND) return reject(new TesseraError('ERR_NOT_FOUND', `the CA knows no service "${service}"`));
      reject(new CaUnreachableError(socketPath));
    });
  }).finally(() => client.close());
}
