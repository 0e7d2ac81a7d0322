/**
 * Live updates for the console pages, as Server-Sent Events: each open page
 * holds one `GET /events` stream and is told `change` (with the audit head)
 * when the journal made records durable; the page then fetches itself again.
 * Every state change the console shows is audited, so the journal is the one
 * thing to watch. Streams are bounded: beyond `maxStreams` a new one gets 503.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JournalObserver } from '../audit/journal.js';
import { SECURITY_HEADERS } from './headers.js';

/** Changes closer together than this reach the pages as one. */
const COALESCE_MS = 200;
/** A comment line on every stream this often, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

export class ConsoleEvents implements JournalObserver {
  readonly #streams = new Set<ServerResponse>();
  readonly #maxStreams: number;
  #head = 0;
  #pending: NodeJS.Timeout | undefined;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(params: { maxStreams: number }) {
    this.#maxStreams = params.maxStreams;
    this.#heartbeat = setInterval(() => this.#send(': keep-alive\n\n'), HEARTBEAT_MS).unref();
  }

  /** How many streams are open. */
  get streams(): number {
    return this.#streams.size;
  }

  written(records: readonly { seq: number }[]): void {
    this.#head = records.at(-1)?.seq ?? this.#head;
    this.#pending ??= setTimeout(() => {
      this.#pending = undefined;
      this.#send(`event: change\ndata: ${this.#head}\n\n`);
    }, COALESCE_MS);
  }

  storeFailed(): void {}

  /**
   * Answers `GET /events`: holds the response open as an event stream until the
   * browser goes away, or refuses it with 503 when `maxStreams` are open.
   */
  serve(req: IncomingMessage, res: ServerResponse): void {
    if (this.#streams.size >= this.#maxStreams) {
      res.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' })
        .end(`too many live pages open (at most ${this.#maxStreams}); close one or raise console.maxEventStreams\n`);
      return;
    }
    this.#streams.add(res);
    req.socket.setTimeout(0);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write(`retry: 2000\nevent: hello\ndata: ${this.#head}\n\n`);
    res.once('close', () => this.#streams.delete(res));
  }

  /** Ends every stream (the pages reconnect to whatever listens next) and stops the timers. */
  close(): void {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#pending);
    for (const res of this.#streams) res.end();
    this.#streams.clear();
  }

  #send(chunk: string): void {
    for (const res of this.#streams) res.write(chunk);
  }
}
