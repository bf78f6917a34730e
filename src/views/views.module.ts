import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ErrorPageFilter } from './error-page.filter';
import { HomeController } from './home.controller';
import { PageLocalsInterceptor } from './page-locals.interceptor';

@Module({
  controllers: [HomeController],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: PageLocalsInterceptor },
    { provide: APP_FILTER, useClass: ErrorPageFilter },
  ],
})
export class ViewsModule {}
