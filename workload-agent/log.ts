/** The agent's logger: pino's shape. Identifiers and codes only, never keys or tokens. */
export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
