import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { AuthService } from './auth.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  /** The client IP goes along for the per-IP sign-in limit. */
  validate(req: Request, email: string, password: string): Promise<Express.User | null> {
    return this.auth.validateCredentials(email, password, req.ip ?? '');
  }
}
