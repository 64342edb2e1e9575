/**
 * Picks where the next piece of work goes among a few interchangeable workers (prepared copies of
 * one statement, password threads): an idle one; else a new one while there are fewer than `limit`;
 * else the least busy. Shared so both pools grow and share work the same way.
 */
export function leastBusy<T>(pool: T[], loadOf: (item: T) => number, limit: number, create: () => T): T {
  const idle = pool.find((item) => loadOf(item) === 0);
  if (idle) return idle;
  if (pool.length < limit) {
    const added = create();
    pool.push(added);
    return added;
  }
  return pool.reduce((least, item) => (loadOf(item) < loadOf(least) ? item : least));
}
