import { HttpStatus } from '@nestjs/common';
import { TooManyAttemptsException } from './too-many-attempts.exception';

const NOW = new Date('2030-01-01T12:00:00Z').getTime();

/** The exception for a limit that ends `inMs` from now. */
const exceptionFactory = (inMs: number, what = 'Too many failed sign-ins.') =>
  new TooManyAttemptsException(what, NOW + inMs);

describe(TooManyAttemptsException.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('is a 429 Too Many Requests', () => {
    expect(exceptionFactory(30_000).getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
  });

  it('says what happened, then when to try again', () => {
    expect(exceptionFactory(30_000).message).toBe(
      'Too many failed sign-ins. Please try again in 30 seconds.',
    );
  });

  it.each([
    [30_000, 30],
    [29_001, 30],
    [29_999, 30],
    [1, 1],
  ])('rounds %i ms up to %i whole seconds', (inMs, seconds) => {
    expect(exceptionFactory(inMs).retryAfterSeconds).toBe(seconds);
  });

  it.each([0, -5_000])('asks for at least a second when the limit ends %i ms from now', (inMs) => {
    const sut = exceptionFactory(inMs);

    expect(sut.retryAfterSeconds).toBe(1);
    expect(sut.message).toBe('Too many failed sign-ins. Please try again in 1 second.');
  });

  it.each([
    [1_000, '1 second'],
    [1_001, '2 seconds'],
    [2_000, '2 seconds'],
    [45_000, '45 seconds'],
    [89_000, '89 seconds'],
    [90_000, '2 minutes'],
    [15 * 60_000, '15 minutes'],
    [60 * 60_000, '60 minutes'],
  ])('words a wait of %i ms as "%s"', (inMs, words) => {
    expect(exceptionFactory(inMs).message).toContain(`try again in ${words}.`);
  });

  it('rounds minutes up, never promising a shorter wait than the real one', () => {
    const sut = exceptionFactory(14 * 60_000 + 1_000);

    expect(sut.retryAfterSeconds).toBe(14 * 60 + 1);
    expect(sut.message).toContain('15 minutes');
  });
});
