import { HttpException, HttpStatus } from '@nestjs/common';

/** 429, with when to try again: in the `Retry-After` header and in the words shown. */
export class TooManyAttemptsException extends HttpException {
  readonly retryAfterSeconds: number;

  constructor(what: string, resetAt: number) {
    const seconds = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    const wait =
      seconds === 1
        ? '1 second'
        : seconds < 90
          ? `${seconds} seconds`
          : `${Math.ceil(seconds / 60)} minutes`;
    super(`${what} Please try again in ${wait}.`, HttpStatus.TOO_MANY_REQUESTS);
    this.retryAfterSeconds = seconds;
  }
}
