import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';

const SETTING = 'secure cookies';

/** In production every cookie is `Secure` (and `__Host-` named), whatever the request says. */
export function alwaysSecureCookies(app: NestExpressApplication, always: boolean): void {
  app.set(SETTING, always);
}

/** Whether this answer's cookies must be `Secure`: in production, or over HTTPS. */
export function secureCookies(req: Request): boolean {
  return req.secure || req.app.get(SETTING) === true;
}
