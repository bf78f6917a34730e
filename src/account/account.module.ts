import { Module } from '@nestjs/common';
import { AuthCoreModule } from '../auth/core/auth-core.module';
import { SessionsModule } from '../sessions/sessions.module';
import { HomeController } from './home.controller';
import { SessionsPageController } from './sessions/sessions-page.controller';
import { SessionsPageService } from './sessions/sessions-page.service';

/** The signed-in pages: home, and the list of one's sessions. */
@Module({
  imports: [AuthCoreModule, SessionsModule],
  controllers: [HomeController, SessionsPageController],
  providers: [SessionsPageService],
})
export class AccountModule {}
