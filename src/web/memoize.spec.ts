import { memoize } from './memoize';

describe(memoize.name, () => {
  it('computes each key once while it is kept', () => {
    const compute = jest.fn((n: number) => n * 2);
    const double = memoize(compute, 10);

    expect([double(1), double(2), double(1), double(2)]).toEqual([2, 4, 2, 4]);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxEntries results, forgetting them all when full', () => {
    const compute = jest.fn((n: number) => n);
    const same = memoize(compute, 2);

    same(1);
    same(2);
    same(3); // full: 1 and 2 are forgotten
    same(1);

    expect(compute.mock.calls.map(([n]) => n)).toEqual([1, 2, 3, 1]);
  });

  it('remembers undefined and null results too', () => {
    const compute = jest.fn((): null => null);
    const nothing = memoize(compute, 2);

    nothing('a');
    nothing('a');

    expect(compute).toHaveBeenCalledTimes(1);
  });
});
