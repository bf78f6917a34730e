/** Everything Jest's fake timers can fake, but the clock. */
const ALL_BUT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/**
 * Fakes only `Date`, set to `now`: timers, ticks and I/O stay real, as database drivers and
 * the app need them. A `ticking` clock goes on from `now` in real time; else it stands still.
 * `jest.useRealTimers()` puts the real clock back.
 */
export function fakeClock(now: number, { ticking = false } = {}): void {
  jest.useFakeTimers({ now, doNotFake: [...ALL_BUT_DATE], advanceTimers: ticking });
}

/**
 * Moves the clock (and so the app's, in this process) `ms` on from now, ticking from there: a
 * session's idle period or lifetime passes without waiting for it.
 */
export function advanceClock(ms: number): void {
  fakeClock(Date.now() + ms, { ticking: true });
}

export function realClock(): void {
  jest.useRealTimers();
}
