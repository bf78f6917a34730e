import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Session } from './session.entity';
import { TypeormSessionStore } from './typeorm-session.store';

@Module({
  imports: [TypeOrmModule.forFeature([Session])],
  providers: [TypeormSessionStore],
  exports: [TypeormSessionStore],
})
export class SessionsModule {}
