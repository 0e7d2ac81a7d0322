/**
 * A V8 CPU profile of a chosen window of this process (a timed phase, not the
 * preparation around it), through the inspector's sampling profiler. The
 * result opens in Chrome DevTools or speedscope.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';

export class WindowProfiler {
  readonly #session = new Session();

  private constructor() {
    this.#session.connect();
  }

  /** Starts sampling every 200 µs. */
  static async start(): Promise<WindowProfiler> {
    const profiler = new WindowProfiler();
    await profiler.#post('Profiler.enable');
    await profiler.#post('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.#post('Profiler.start');
    return profiler;
  }

  /** Stops sampling and writes the profile to `file`. */
  async stop(file: string): Promise<void> {
    const { profile } = (await this.#post('Profiler.stop')) as { profile: unknown };
    this.#session.disconnect();
    await writeFile(file, JSON.stringify(profile));
  }

  #post(method: string, params: object = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#session.post(method, params, (err, result) => (err ? reject(err) : resolve(result)));
    });
  }
}
