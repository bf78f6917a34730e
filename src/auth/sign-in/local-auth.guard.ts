import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { FormError } from '../../web/form-error';
import { formValidationPipe } from '../../web/form-validation.pipe';
import { LoginDto } from './login.dto';

export const INVALID_CREDENTIALS = 'Invalid email or password.';

/** Decides whether the login form's credentials are right, through the local strategy. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    // Guards run before pipes, so the body is validated here: Passport then reads one string
    // email and password from the form, never an array, an object or the query string.
    req.body = (await formValidationPipe.transform(req.body, {
      type: 'body',
      metatype: LoginDto,
    })) as LoginDto;
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) {
      throw error as Error;
    }
    if (!user) {
      throw new FormError({ form: [INVALID_CREDENTIALS] }, HttpStatus.UNAUTHORIZED);
    }
    return user;
  }
}
