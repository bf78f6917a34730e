import { CliRun, runAccountCli } from './account-cli';
import { startTestApp, TestApp } from './test-app';

/**
 * For a suite: a running app (its LOCKOUT_THRESHOLD 2) and `account(args, input)`, which runs the
 * command line on that app's database, from the app's own folder.
 */
export function useAppAndAccountCli(): {
  readonly sut: TestApp;
  account(args: string[], input?: string): Promise<CliRun>;
} {
  let sut: TestApp | undefined;

  beforeAll(async () => {
    sut = await startTestApp({ LOCKOUT_THRESHOLD: '2' });
  });

  afterAll(async () => {
    await sut?.cleanup();
  });

  return {
    get sut() {
      return sut as TestApp;
    },
    account: (args, input) =>
      runAccountCli(args, { DATABASE_URL: sut?.databaseUrl }, { cwd: sut?.dir ?? '.', input }),
  };
}
