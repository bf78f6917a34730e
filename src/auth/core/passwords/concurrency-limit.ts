/** Runs a job, or waits for a free slot first. */
export type Limited = <T>(job: () => Promise<T>) => Promise<T>;

/** At most `max` jobs run at once; the others wait their turn, first come, first served. */
export function concurrencyLimit(max: number): Limited {
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`concurrencyLimit needs a whole number of at least 1, not ${max}`);
  }
  let running = 0;
  const waiting: (() => void)[] = [];

  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running < max) {
      running++;
    } else {
      // A finishing job hands its slot straight to the next in line, so `running` stays put.
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await job();
    } finally {
      const next = waiting.shift();
      if (next) {
        next();
      } else {
        running--;
      }
    }
  };
}
