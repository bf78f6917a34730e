/**
 * Fakes only the clock (`Date`), starting at `now`: a database driver still needs real timers
 * and ticks. Undo with `jest.useRealTimers()`; move it with `jest.setSystemTime`.
 */
export function fakeClockOnly(now: number): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
