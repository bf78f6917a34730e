/**
 * A small seeded pseudo-random generator (mulberry32), so that a run can be replayed: the same
 * seed makes the same cases. Not for anything secret.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number from 0 to max - 1. */
  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** A whole number from min to max, both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `length` random characters from `alphabet`. */
  string(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let text = '';
    for (let i = 0; i < length; i++) {
      text += alphabet[this.int(alphabet.length)];
    }
    return text;
  }

  /** `length` random bytes, as a latin1 string (one character a byte). */
  bytes(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) {
      text += String.fromCharCode(this.int(256));
    }
    return text;
  }
}

/** The seed of case `index` of a run: each case can be made again on its own. */
export function caseSeed(runSeed: number, index: number): number {
  // A 32-bit mix (from murmur3's finaliser) of the two numbers.
  let h = (runSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
