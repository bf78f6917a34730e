import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RedirectException } from '../../../web/redirect.exception';

/** Lets signed-in requests through; sends anyone else to the login page and back. */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (req.isAuthenticated()) {
      return true;
    }
    throw new RedirectException(`/login?next=${encodeURIComponent(req.originalUrl)}`, {
      type: 'info',
      message: 'Please log in to access this page.',
    });
  }
}
