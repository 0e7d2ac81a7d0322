import { type ServerInterceptor, ServerInterceptingCall, status } from '@grpc/grpc-js';

/**
 * A grpc-js server interceptor that reports every call's full method name,
 * final status code and duration, and how many calls of each method are open
 * (a WatchRevocations stream stays open for as long as it follows). A call the
 * client cancels is reported as CANCELLED.
 *
 * @example new grpc.Server({ interceptors: [observeCalls((m, code, s) => metrics.rpcHandled(m, code, s))] })
 */
export function observeCalls(
  onDone: (method: string, code: status, seconds: number) => void, open: Map<string, number> = new Map(),
): ServerInterceptor {
  return (method, call) => {
    const startedMs = performance.now();
    let done = false;
    const finish = (code: status) => {
      if (done) return;
      done = true;
      open.set(method.path, (open.get(method.path) ?? 1) - 1);
      onDone(method.path, code, (performance.now() - startedMs) / 1000);
    };
    open.set(method.path, (open.get(method.path) ?? 0) + 1);
    return new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => finish(status.CANCELLED) }),
      sendStatus: (sent, next) => {
        finish(sent.code);
        next(sent);
      },
    });
  };
}
