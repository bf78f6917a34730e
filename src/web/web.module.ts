import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ErrorPageFilter } from './error-page.filter';
import { PageLocalsInterceptor } from './page-locals.interceptor';

/** The page plumbing every feature shares: the layout's data and the error pages. */
@Module({
  providers: [
    { provide: APP_INTERCEPTOR, useClass: PageLocalsInterceptor },
    { provide: APP_FILTER, useClass: ErrorPageFilter },
  ],
})
export class WebModule {}
