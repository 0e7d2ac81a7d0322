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

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * A pino destination that writes each line as readable text through `write`:
 * `2026-01-01T00:00:00.000Z INFO  spawn outcome=allowed caller=spiffe://...`.
 * The same fields as the JSON form; nothing is dropped but the constant `service`.
 */
export function textDestination(write: (line: string) => void): DestinationStream {
  return {
    write(line: string) {
      const { time, level, msg, service: _service, ...fields } = JSON.parse(line) as Record<string, unknown>;
      const pairs = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`);
      write([new Date(time as number).toISOString(), (LEVEL_NAMES[level as number] ?? String(level)).padEnd(5), msg, ...pairs].join(' '));
    },
  };
}
