/**
 * Turns a SharedStore's wake-ups into reads, one at a time: a wake-up during
 * a read runs one more read after it (which sees whatever woke it), never a
 * pile of them. Used by the replicas' followers (revocations, authorities).
 *
 * @example const stop = store.watch(prefix, readOnWake(catchUp, (err) => log.warn({ err }, '...')));
 */
export function readOnWake(read: () => Promise<void>, onFailed: (err: unknown) => void): () => void {
  let reading: Promise<void> | undefined;
  let again = false;
  const wake = () => {
    if (reading) {
      again = true;
      return;
    }
    reading = read().catch(onFailed).finally(() => {
      reading = undefined;
      if (again) {
        again = false;
        wake();
      }
    });
  };
  return wake;
}
