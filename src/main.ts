import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`Listening on http://localhost:${config.port}`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    // One line per bad setting, and no stack trace: the person has a setting to fix.
    for (const problem of error.problems) {
      console.error(`Configuration error: ${problem}`);
    }
  } else {
    console.error(error);
  }
  process.exit(1);
});
