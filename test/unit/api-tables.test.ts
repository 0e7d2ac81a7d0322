import { describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { ERROR_CODES } from '../../agent-sdk/errors.js';
import { STATUS_OF } from '../../agent-sdk/error-status.js';
import { tesseraProto } from '../../agent-sdk/proto.js';
import { METHOD_RULES } from '../../ca/api/authz.js';

describe('API tables', () => {
  it('ok/every error code maps to a gRPC status other than OK and UNKNOWN', () => {
    for (const code of ERROR_CODES) {
      expect(STATUS_OF[code], code).toBeDefined();
      expect([status.OK, status.UNKNOWN]).not.toContain(STATUS_OF[code]);
    }
    expect(Object.keys(STATUS_OF).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('ok/every RPC in the protos has an authorization entry, and no entry names a missing RPC', () => {
    const v1 = tesseraProto().tessera.v1;
    const paths = [v1.NodeAttestationService, v1.SVIDService, v1.TrustBundleService, v1.AdminService, v1.RevocationService, v1.AuthorityService]
      .flatMap((client) => Object.values(client.service).map((m) => m.path));
    expect(paths.length).toBeGreaterThan(0);
    expect(Object.keys(METHOD_RULES).sort()).toEqual([...new Set(paths)].sort());
  });
});
