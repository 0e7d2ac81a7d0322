import { type ServerInterceptor, ServerInterceptingCall, status } from '@grpc/grpc-js';

/** How many calls are open, by full method name; `idle()` resolves once none is. */
export class OpenCalls {
  readonly #byMethod = new Map<string, number>();
  #total = 0;
  #waiting: Array<() => void> = [];

  opened(method: string): void {
    this.#byMethod.set(method, this.of(method) + 1);
    this.#total += 1;
  }

  closed(method: string): void {
    const left = this.of(method) - 1;
    if (left > 0) this.#byMethod.set(method, left);
    else this.#byMethod.delete(method);
    this.#total -= 1;
    if (this.#total === 0) for (const resolve of this.#waiting.splice(0)) resolve();
  }

  of(method: string): number {
    return this.#byMethod.get(method) ?? 0;
  }

  /** The open calls' methods and how many of each, for a log line. */
  get methods(): Record<string, number> {
    return Object.fromEntries(this.#byMethod);
  }

  idle(): Promise<void> {
    return this.#total === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/**
 * A grpc-js server interceptor that reports every call's full method name,
 * final status code and duration, and counts the open calls in `open` (a
 * WatchRevocations stream stays open for as long as it follows). A call the
 * client cancels is reported as CANCELLED.
 *
 * @example new grpc.Server({ interceptors: [observeCalls((m, code, s) => metrics.rpcHandled(m, code, s))] })
 */
export function observeCalls(
  onDone: (method: string, code: status, seconds: number) => void, open: OpenCalls = new OpenCalls(),
): ServerInterceptor {
  return (method, call) => {
    const startedMs = performance.now();
    let done = false;
    const finish = (code: status) => {
      if (done) return;
      done = true;
      open.closed(method.path);
      onDone(method.path, code, (performance.now() - startedMs) / 1000);
    };
    open.opened(method.path);
    return new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => finish(status.CANCELLED) }),
      sendStatus: (sent, next) => {
        finish(sent.code);
        next(sent);
      },
    });
  };
}
