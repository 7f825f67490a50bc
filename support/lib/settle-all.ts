/**
 * Like Promise.all, but waits for every promise before failing, so nothing is still starting (and about to register
 * its stop) while the teardown runs.
 */
export async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Waits until every promise has settled, or `ms` has passed: a client that hangs on its way out (kafkajs
 * disconnecting from a broker that is gone) must not hold up what is stopped after it. Returns the names of those
 * still pending at the deadline; a rejection counts as settled.
 */
export async function settleWithin(
  promises: Readonly<Record<string, Promise<unknown>>>,
  ms: number,
): Promise<string[]> {
  const pending = new Set(Object.keys(promises));
  const settled = Object.entries(promises).map(([name, promise]) =>
    promise.then(
      () => pending.delete(name),
      () => pending.delete(name),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([Promise.all(settled), deadline]);
  clearTimeout(timer);
  return [...pending];
}
