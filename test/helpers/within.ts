/**
 * `promise`, or a rejection naming the step that was not reached within `ms`:
 * a hang then fails as that step, not as the test's own timeout. A function
 * `what` is called only then, to describe the state at that moment.
 *
 * @example await within(10_000, 'every source renewed after the CA came back', Promise.all(updated));
 */
export function within<T>(ms: number, what: string | (() => string), promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${typeof what === 'string' ? what : what()}: not reached within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
