import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RedirectException } from '../../../web/redirect.exception';

/** For the login and registration pages: a signed-in person is sent home instead. */
@Injectable()
export class GuestGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!context.switchToHttp().getRequest<Request>().isAuthenticated()) {
      return true;
    }
    throw new RedirectException('/');
  }
}
