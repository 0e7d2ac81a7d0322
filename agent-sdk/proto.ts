import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as AdminProto } from './gen/admin.js';
import type { ProtoGrpcType as BundleProto } from './gen/bundle.js';
import type { ProtoGrpcType as AttestationProto } from './gen/node_attestation.js';
import type { ProtoGrpcType as RevocationProto } from './gen/revocation.js';
import type { ProtoGrpcType as SvidProto } from './gen/svid.js';
import type { ProtoGrpcType as AuthorityProto } from './gen/authority.js';

export type TesseraProto = AdminProto & BundleProto & AttestationProto & SvidProto & RevocationProto & AuthorityProto;

// The same options as the generator flags in scripts/gen-proto.mjs, so the
// runtime objects have exactly the shapes of the generated types.
const LOAD_OPTIONS: protoLoader.Options = { longs: Number, enums: String, defaults: true, oneofs: true };
/** The tessera.v1 proto files, relative to protoRoot(). */
export const PROTO_FILES = ['admin.proto', 'bundle.proto', 'node_attestation.proto', 'svid.proto', 'revocation.proto', 'authority.proto'].map((f) => `tessera/v1/${f}`);

/** The folder holding the tessera proto files. */
// proto/ sits at the package root; this module runs from agent-sdk/ in the
// sources and from dist/agent-sdk/ when built, so look upwards for it.
export function protoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto/tessera/v1/types.proto'))) return join(dir, 'proto');
    if (dirname(dir) === dir) throw new Error('proto/tessera/v1 not found above the tessera package');
  }
}

let loaded: TesseraProto | undefined;

/** The tessera.v1 service definitions and clients, loaded once. */
export function tesseraProto(): TesseraProto {
  loaded ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(PROTO_FILES, { ...LOAD_OPTIONS, includeDirs: [protoRoot()] }),
  ) as unknown as TesseraProto;
  return loaded;
}
