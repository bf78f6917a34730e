import { HttpException, HttpStatus } from '@nestjs/common';
import type { PageDefinition } from './pages';

/**
 * Ends a request with a page of its own and an error status, such as the 400 page of a link
 * that has expired: ErrorPageFilter renders `page` with the layout's data and `data`.
 */
export class PageException extends HttpException {
  constructor(
    readonly page: PageDefinition,
    status: HttpStatus,
    readonly data: Record<string, unknown> = {},
  ) {
    super(page.title, status);
  }
}
