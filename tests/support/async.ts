/**
 * Resolves or rejects as `promise` does, but rejects after `ms` milliseconds
 * if it has not settled by then: a guard that turns a hang into a failure.
 * The timer is always cleared.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * True when `promise` has settled once every pending microtask and one
 * macrotask turn have run. Used to assert that something has NOT happened
 * yet; never to wait for something that can be awaited.
 */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return settled;
}
