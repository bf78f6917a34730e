import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { PAGE_METADATA } from './page';
import { PageDefinition, pageLocals } from './pages';

/** Adds the layout's data (title, user, CSRF token, flashes) to every `@Page` result. */
@Injectable()
export class PageLocalsInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const page = this.reflector.get<PageDefinition | undefined>(
      PAGE_METADATA,
      context.getHandler(),
    );
    if (!page) {
      return next.handle();
    }
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    return next
      .handle()
      .pipe(map((data: object | undefined) => ({ ...pageLocals(req, res, page), ...data })));
  }
}
