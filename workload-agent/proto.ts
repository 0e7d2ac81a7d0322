import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const FILE = 'spiffe/workload/workload.proto';

// The vendored proto sits in workload-agent/proto/ of the package; this module
// runs from workload-agent/ in the sources and from dist/workload-agent/ when built.
function protoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'workload-agent/proto', FILE))) return join(dir, 'workload-agent/proto');
    if (dirname(dir) === dir) throw new Error(`workload-agent/proto/${FILE} not found above the tessera package`);
  }
}

let loaded: grpc.ServiceDefinition | undefined;

/**
 * The standard SpiffeWorkloadAPI service, loaded once. Field names are kept as
 * the proto spells them (`spiffe_id`, `x509_svid`), the names of the spec.
 */
export function workloadApiService(): grpc.ServiceDefinition {
  if (!loaded) {
    const definition = protoLoader.loadSync(FILE, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [protoRoot()] });
    loaded = (grpc.loadPackageDefinition(definition).SpiffeWorkloadAPI as grpc.ServiceClientConstructor).service;
  }
  return loaded;
}

