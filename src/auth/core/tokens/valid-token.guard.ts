import { CanActivate, ExecutionContext, HttpStatus, Injectable, mixin, Type } from '@nestjs/common';
import type { Request } from 'express';
import { PageException } from '../../../web/page.exception';
import type { PageDefinition } from '../../../web/pages';
import { TokenPurpose, TokensService } from './tokens.service';

/**
 * For a form that carries a token from a mail (its `token` field): lets it through when the
 * token would be accepted, else answers 400 with `expiredPage`. It runs before the form is
 * validated, so that a dead link is said at once, whatever else the form holds. Using the token
 * is the route's business.
 */
export function ValidTokenGuard(
  purpose: TokenPurpose,
  expiredPage: PageDefinition,
): Type<CanActivate> {
  @Injectable()
  class Guard implements CanActivate {
    constructor(private readonly tokens: TokensService) {}

    async canActivate(context: ExecutionContext): Promise<boolean> {
      const req = context.switchToHttp().getRequest<Request>();
      const token = (req.body as Record<string, unknown> | undefined)?.token;
      if (await this.tokens.find(purpose, token)) {
        return true;
      }
      throw new PageException(expiredPage, HttpStatus.BAD_REQUEST);
    }
  }
  return mixin(Guard);
}
