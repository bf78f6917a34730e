import { HttpException, HttpStatus } from '@nestjs/common';
import type { Flash } from './flash';

/** Ends a request with a 303 to `url`, after leaving `flash` for the next page. */
export class RedirectException extends HttpException {
  constructor(
    readonly url: string,
    readonly flash?: Flash,
  ) {
    super(`Redirect to ${url}`, HttpStatus.SEE_OTHER);
  }
}
