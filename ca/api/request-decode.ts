import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { TesseraError } from '../../agent-sdk/errors.js';
import { PROTO_FILES, protoRoot } from '../../agent-sdk/proto.js';

/**
 * A request whose bytes did not decode, or that names two members of a oneof.
 * grpc-js answers a deserializer that throws with INTERNAL and an untyped
 * message, before any handler runs; so the deserializer hands the handler this
 * in place of the message, and admitCall (or the attestation inbox) refuses it
 * as the caller's bad input: typed, audited, mapped to INVALID_ARGUMENT.
 */
export class UndecodableRequest {
  constructor(readonly error: TesseraError) {}
}

/** Throws the refusal carried by an undecodable request; returns any other request unchanged. */
export function requireDecoded<T>(request: T): T {
  if (request instanceof UndecodableRequest) throw request.error;
  return request;
}

let reflection: protobuf.Root | undefined;

// The oneofs need reflection: proto-loader's descriptors fill `oneofIndex: 0`
// into every field, member or not, so they cannot say which fields a oneof holds.
function typeNamed(fullName: string): protobuf.Type {
  reflection ??= new protobuf.Root();
  if (reflection.files.length === 0) {
    reflection.resolvePath = (_origin, target) => `${protoRoot()}/${target}`;
    reflection.loadSync([...PROTO_FILES]).resolveAll();
  }
  return reflection.lookupType(fullName);
}

/**
 * The name of a oneof in `message` (as protobufjs decoded it: a member is an
 * own property only when it was on the wire) that carries more than one member,
 * searching nested messages too. Proto3 lets the last member on the wire win; a
 * request that names two targets is refused instead.
 */
function doubledOneof(type: protobuf.Type, message: protobuf.Message): string | undefined {
  const present = (name: string) => Object.hasOwn(message, name) && (message as unknown as Record<string, unknown>)[name] != null;
  for (const oneof of type.oneofsArray) {
    const members = oneof.fieldsArray.filter((f) => present(f.name));
    if (members.length > 1) return `${type.name}.${oneof.name} (${members.map((f) => f.name).join(', ')})`;
  }
  for (const field of type.fieldsArray) {
    if (!(field.resolvedType instanceof protobuf.Type) || !present(field.name)) continue;
    const value = (message as unknown as Record<string, unknown>)[field.name];
    for (const nested of (field.repeated ? value : [value]) as protobuf.Message[]) {
      const found = doubledOneof(field.resolvedType, nested);
      if (found) return found;
    }
  }
  return undefined;
}

function checkedMethod(method: MethodDefinition<unknown, unknown>): MethodDefinition<unknown, unknown> {
  const type = typeNamed(`tessera.v1.${(method as { requestType?: { type?: { name?: string } } }).requestType?.type?.name}`);
  const requestDeserialize = (bytes: Buffer): unknown => {
    let strict: protobuf.Message;
    try {
      // protobufjs reads a plain Uint8Array strictly; given a Buffer it cuts a string that
      // runs past the end short instead of failing (reader_buffer.js), so a truncated message decodes.
      strict = type.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch {
      return new UndecodableRequest(new TesseraError('ERR_REQUEST_UNDECODABLE', `the request is not a valid ${type.name} message`));
    }
    const doubled = doubledOneof(type, strict);
    if (doubled) return new UndecodableRequest(new TesseraError('ERR_INVALID_ARGUMENT', `name exactly one member of ${doubled}`));
    // The handlers take proto-loader's shapes (the generated types), so decode once more its way.
    return method.requestDeserialize(bytes);
  };
  return { ...method, requestDeserialize };
}

/**
 * The same service with every method's request deserializer checked: a
 * decode failure or a doubled oneof becomes an UndecodableRequest.
 */
export function checkedRequests(definition: ServiceDefinition): ServiceDefinition {
  const checked: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) checked[name] = checkedMethod(method as MethodDefinition<unknown, unknown>);
  return checked as ServiceDefinition;
}
