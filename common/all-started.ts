/**
 * Things started at once that are of use only together (a world's three services, a pair of
 * worlds): all of them, or, when one fails, each one that did start stopped and the first failure
 * thrown, so a failed start leaves nothing behind.
 */
export async function allStarted<T extends readonly unknown[]>(
  starts: { readonly [K in keyof T]: Promise<T[K]> },
  stop: (started: T[number]) => Promise<unknown>,
): Promise<T> {
  const settled = await Promise.allSettled(starts as readonly Promise<T[number]>[]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return settled.map((r) => (r as PromiseFulfilledResult<T[number]>).value) as unknown as T;
  await Promise.allSettled(settled.map((r) => (r.status === 'fulfilled' ? stop(r.value) : undefined)));
  throw failed.reason;
}
