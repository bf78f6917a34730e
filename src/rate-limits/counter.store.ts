/** The state of one counter: how many hits, and when (ms since the epoch) it starts again. */
export interface Count {
  count: number;
  resetAt: number;
}

/**
 * Counters shared by every instance of the app, kept where the sessions are. Injected by this
 * class; SqlCounterStore is the implementation on the app's database.
 */
export abstract class CounterStore {
  /**
   * Adds one to `name`. A counter starts at the first hit and ends `windowMs` later (`fixed`), or
   * `windowMs` after its latest hit (`sliding`); a hit after that starts it again at 1.
   */
  abstract hit(name: string, windowMs: number, mode: 'fixed' | 'sliding'): Promise<Count>;

  /** The counter as it stands, or undefined when it has none or it has ended. */
  abstract peek(name: string): Promise<Count | undefined>;

  abstract reset(name: string): Promise<void>;
}
