import { Module } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { foundation } from './app.module';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { makeDataFolder } from './config/data-folder';
import { loadEnvFile } from './config/env-file';
import { createLogger } from './observability/logger';
import { NestPinoLogger } from './observability/nest-logger';
import { OperatorError } from './operator/operator-error';
import { OperatorModule } from './operator/operator.module';
import { startupFailureLine } from './startup-failure';

/**
 * The operator's command line, `npm run account -- COMMAND`: the app's own settings (and
 * `.env`), database, Redis and audit log, with the accounts' commands of OperatorModule. What a
 * command did goes to standard output; the log, with the audit event of each command, to
 * standard error. A refusal (an unknown address, a bad argument) is one line and exit code 1.
 */
/** The settings, once read: what a failure's line names. */
let config: AppConfig | undefined;

async function main(): Promise<void> {
  loadEnvFile();
  config = loadConfig();
  if (config.database.type === 'sqlite') {
    makeDataFolder(config.dataDir);
  }
  const logger = createLogger(undefined, config.log, { fd: 2 });

  @Module({ imports: [...foundation(config, logger), OperatorModule] })
  class AccountCliModule {}

  await CommandFactory.run(AccountCliModule, {
    logger: new NestPinoLogger(logger),
    cliName: 'npm run account --',
    abortOnError: false,
    helpConfiguration: {
      commandUsage: (command) =>
        ['npm run account --', command.parent ? command.name() : '', command.usage()]
          .filter(Boolean)
          .join(' '),
    },
    serviceErrorHandler: fail,
  });
  logger.flush();
}

function fail(error: unknown): void {
  process.exitCode = 1;
  if (error instanceof OperatorError) {
    console.error(error.message);
  } else if (error instanceof ConfigError) {
    for (const problem of error.problems) {
      console.error(`Configuration error: ${problem}`);
    }
  } else {
    const line = config && startupFailureLine(error, config);
    console.error(line ? `Cannot run the command: ${line}` : error);
  }
}

main().catch(fail);
