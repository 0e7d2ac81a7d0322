// Typed option values for the `tessera` commands. Each parser throws commander's
// InvalidArgumentError naming what is allowed, so every command refuses a bad
// value the same way, before it does anything.
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../config.js';
import { isHostPort } from '../host-port.js';
import type { CliContext } from './command.js';

const UNITS: ReadonlyArray<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/** 600000 -> "10m", 90000 -> "90s": the largest unit that divides it. */
export function formatDuration(ms: number): string {
  const [unit, size] = UNITS.find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/** A duration such as "90s" or "10m", in milliseconds, from `minMs` to `maxMs`. */
export function durationArg(minMs: number, maxMs: number): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (Number.isNaN(ms) || ms < minMs || ms > maxMs) {
      throw new InvalidArgumentError(`allowed: a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)}, such as "90s" or "10m" (units ms, s, m, h, d).`);
    }
    return ms;
  };
}

/** A decimal integer from `min` to `max`. */
export function integerArg(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`allowed: an integer from ${min} to ${max}.`);
    return n;
  };
}

/** host:port with a port from 0 (any free one) to 65535; an IPv6 host in brackets. */
export function hostPortArg(value: string): string {
  if (!isHostPort(value)) throw new InvalidArgumentError('allowed: HOST:PORT with a port from 0 to 65535, such as "127.0.0.1:8443".');
  return value;
}

/** pino's levels, most verbose last. */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function logLevelOption(): Option {
  return new Option('--log-level <level>', 'what to log').choices(LOG_LEVELS).default('info');
}

/** How `tessera ca start` writes its log: JSON lines (for collectors) or text (for a terminal). */
export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `--json`: one JSON object per line instead of text. */
export function jsonOption(what = 'print JSON lines instead of text'): Option {
  return new Option('--json', what);
}

/** The options of every command that talks to a running CA over its admin socket. */
export interface AdminOptions {
  dataDir?: string;
  socket?: string;
}

/** Declares --data-dir and --socket on `cmd`. */
export function addAdminOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', "the CA's data directory (default: $TESSERA_DATA_DIR, else ./.data)")
    .option('--socket <path>', "the CA's admin socket (default: <data dir>/admin.sock)");
}

/** The data directory: --data-dir, else $TESSERA_DATA_DIR, else ./.data. */
export function dataDirOf(options: AdminOptions, ctx: CliContext): string {
  return resolve(options.dataDir ?? ctx.envDataDir ?? '.data');
}

/** The admin socket: --socket, else <data dir>/admin.sock. */
export function socketOf(options: AdminOptions, ctx: CliContext): string {
  return options.socket ?? join(dataDirOf(options, ctx), 'admin.sock');
}

/**
 * Lets `cmd` take operands that begin with '-' when they have the shape
 * `operand`. Commander takes every such word for an option, but a JWT
 * authority's ID (an RFC 7638 thumbprint, base64url) begins with '-' once in
 * 64, and `authority jwt taint <id>` must take every ID `show` prints. Any
 * other word that begins with '-' is still refused as an unknown option.
 */
export function allowDashOperands(cmd: Command, operand: RegExp): Command {
  const parseOptions = cmd.parseOptions.bind(cmd);
  // Commander puts the first word it does not know, and every operand after it, in `unknown`.
  cmd.parseOptions = (args) => {
    const { operands, unknown } = parseOptions(args);
    for (const [i, word] of unknown.entries()) {
      if (word === '--') return { operands: [...operands, ...unknown.slice(0, i), ...unknown.slice(i + 1)], unknown: [] };
      if (word.startsWith('-') && !operand.test(word)) return { operands: [...operands, ...unknown.slice(0, i)], unknown: unknown.slice(i) };
    }
    return { operands: [...operands, ...unknown], unknown: [] };
  };
  return cmd;
}
