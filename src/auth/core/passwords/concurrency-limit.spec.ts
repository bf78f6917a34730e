import { concurrencyLimit } from './concurrency-limit';

/** A job that runs until the test settles it, and records how many jobs run beside it. */
function controlledJobs() {
  let running = 0;
  let mostAtOnce = 0;
  const started: string[] = [];
  const settle = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();

  const job = (name: string) => () =>
    new Promise<string>((resolve, reject) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      started.push(name);
      const done = () => running--;
      settle.set(name, {
        resolve: () => {
          done();
          resolve(name);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
    });

  return { job, started, settle, mostAtOnce: () => mostAtOnce };
}

/** Lets every promise callback that is ready run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(concurrencyLimit.name, () => {
  it('never runs more than the limit at once, and runs every job in the order given', async () => {
    const sut = concurrencyLimit(2);
    const jobs = controlledJobs();
    const names = ['a', 'b', 'c', 'd', 'e'];

    const results = Promise.all(names.map((name) => sut(jobs.job(name))));
    await flush();
    expect(jobs.started).toEqual(['a', 'b']);

    for (const name of names) {
      jobs.settle.get(name)?.resolve();
      await flush();
    }

    await expect(results).resolves.toEqual(names);
    expect(jobs.started).toEqual(names);
    expect(jobs.mostAtOnce()).toBe(2);
  });

  it('passes a failure to the caller of that job and frees its slot for the next', async () => {
    const sut = concurrencyLimit(1);
    const jobs = controlledJobs();

    const failing = sut(jobs.job('a'));
    const next = sut(jobs.job('b'));
    await flush();
    jobs.settle.get('a')?.reject(new Error('bcrypt failed'));

    await expect(failing).rejects.toThrow('bcrypt failed');
    await flush();
    jobs.settle.get('b')?.resolve();
    await expect(next).resolves.toBe('b');
  });

  it('frees the slot when a job throws before returning its promise', async () => {
    const sut = concurrencyLimit(1);

    await expect(
      sut(() => {
        throw new Error('bad input');
      }),
    ).rejects.toThrow('bad input');
    await expect(sut(() => Promise.resolve('ran'))).resolves.toBe('ran');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %p', (max) => {
    expect(() => concurrencyLimit(max)).toThrow(RangeError);
  });
});
