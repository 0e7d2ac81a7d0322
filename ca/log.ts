import { type DestinationStream, destination, pino } from 'pino';

/**
 * The CA's logger: pino's shape, so main.ts can pass pino and tests a silent one.
 * Log identifiers and codes only; never keys, tickets, tokens or CSRs.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * JSON lines at `level`, on stderr unless `to` says otherwise (tests capture the
 * log with `{ write(line) { ... } }`). Chosen over hand-written logging for speed
 * and for level handling.
 */
export function createLogger(level: string, to: DestinationStream = destination(2)): Logger {
  return pino({ level, base: { service: 'tessera-ca' } }, to);
}

/** A logger that drops everything. */
export const silentLogger: Logger = pino({ level: 'silent' });
