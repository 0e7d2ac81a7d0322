/** A google.protobuf.Value as proto-loader takes it (oneof `kind`). */
type Value =
  | { nullValue: 'NULL_VALUE' }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: { fields: Record<string, Value> } }
  | { listValue: { values: Value[] } };

/**
 * The google.protobuf.Struct of a JSON object (the claims ValidateJWTSVID returns).
 *
 * @example toJsonStruct({ sub: 'spiffe://tessera.local/agent/o/t/i' }) // { fields: { sub: { stringValue: ... } } }
 */
export function toJsonStruct(object: Record<string, unknown>): { fields: Record<string, Value> } {
  return { fields: Object.fromEntries(Object.entries(object).map(([k, v]) => [k, toValue(v)])) };
}

function toValue(value: unknown): Value {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  if (typeof value === 'object') return { structValue: toJsonStruct(value as Record<string, unknown>) };
  return { stringValue: String(value) };
}
