import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { RENDER_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { map, Observable } from 'rxjs';
import { pageLocals } from './pages';

/** Adds the layout's data (title, user, CSRF token, flashes) to every `@Render` result. */
@Injectable()
export class PageLocalsInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const view = this.reflector.get<string | undefined>(RENDER_METADATA, context.getHandler());
    if (!view) {
      return next.handle();
    }
    const req = context.switchToHttp().getRequest<Request>();
    return next
      .handle()
      .pipe(map((data: object | undefined) => ({ ...pageLocals(req, view), ...data })));
  }
}
