import { Module } from '@nestjs/common';
import { HomeController } from './home.controller';

/** The signed-in pages. */
@Module({
  controllers: [HomeController],
})
export class AccountModule {}
