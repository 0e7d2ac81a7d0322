/**
 * A method of a test gRPC service whose messages are JSON, so a test needs no .proto.
 *
 * @example const Echo = { say: jsonMethod('/test.Echo/Say') } satisfies grpc.ServiceDefinition;
 */
export function jsonMethod(path: string, responseStream = false) {
  return {
    path,
    requestStream: false as const,
    responseStream,
    requestSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
    requestDeserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
    responseSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
    responseDeserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
  };
}
