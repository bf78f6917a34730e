import { Injectable } from '@nestjs/common';
import { Command, CommandRunner, InquirerService, Option } from 'nest-commander';
import type { User } from '../users/user.entity';
import { OperatorError } from './operator-error';
import { AccountReport, ListedAccount, OperatorService } from './operator.service';

/**
 * The commands of `npm run account -- COMMAND`: each reads its arguments, asks OperatorService,
 * and says what it did on standard output (the log, with its audit events, goes to standard
 * error). A refusal is an OperatorError, which the command line prints as one line.
 */

const say = (line = ''): void => void process.stdout.write(`${line}\n`);

/** `2026-11-30 18:04 UTC` */
const utc = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const status = (user: User, locked = false): string =>
  user.disabledAt ? 'disabled' : locked ? 'locked' : 'active';

function positiveInteger(name: string, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1 || number > max) {
      throw new OperatorError(`${name} must be a whole number from 1 to ${max}.`);
    }
    return number;
  };
}

@Command({
  name: 'list',
  arguments: '[text]',
  argsDescription: { text: 'only the accounts whose username or email contains it' },
  description: 'list the accounts, oldest first, a page at a time',
})
export class ListCommand extends CommandRunner {
  constructor(private readonly operator: OperatorService) {
    super();
  }

  async run([text = '']: string[], options: { page?: number; perPage?: number }): Promise<void> {
    const page = options.page ?? 1;
    const perPage = options.perPage ?? 20;
    const { accounts, total } = await this.operator.list(text, page, perPage);
    const pages = Math.max(1, Math.ceil(total / perPage));
    if (accounts.length === 0) {
      say(total === 0 ? 'No accounts match.' : `Page ${page} is past the last page (${pages}).`);
      return;
    }
    printTable(accounts);
    say();
    say(
      `Page ${page} of ${pages} (${total} account${total === 1 ? '' : 's'})` +
        (page < pages ? `; the next: --page ${page + 1}` : ''),
    );
  }

  @Option({ flags: '-p, --page <number>', description: 'which page (default: 1)' })
  parsePage(value: string): number {
    return positiveInteger('--page', 1_000_000)(value);
  }

  @Option({ flags: '--per-page <number>', description: 'accounts a page, 1 to 100 (default: 20)' })
  parsePerPage(value: string): number {
    return positiveInteger('--per-page', 100)(value);
  }
}

function printTable(accounts: ListedAccount[]): void {
  const rows = [
    ['ID', 'USERNAME', 'EMAIL', 'VERIFIED', 'STATUS', 'CREATED'],
    ...accounts.map(({ user, locked }) => [
      String(user.id),
      user.username,
      user.email,
      user.emailVerifiedAt ? 'yes' : 'no',
      status(user, locked),
      utc(user.createdAt),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    say(
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );
  }
}

@Command({
  name: 'show',
  arguments: '<email>',
  description: 'an account: status, address, two-factor, sessions, last sign-in, lockout',
})
export class ShowCommand extends CommandRunner {
  constructor(private readonly operator: OperatorService) {
    super();
  }

  async run([email]: string[]): Promise<void> {
    printReport(await this.operator.show(email));
  }
}

function printReport({
  user,
  recoveryCodesLeft,
  passkeys,
  liveSessions,
  lastSignIn,
  lockedUntil,
  failedSignIns,
}: AccountReport): void {
  const lines: [string, string][] = [
    ['Account', `${user.username} <${user.email}> (id ${user.id})`],
    ['Created', utc(user.createdAt)],
    ['Status', user.disabledAt ? `disabled since ${utc(user.disabledAt)}` : 'active'],
    ['Email', user.emailVerifiedAt ? `verified on ${utc(user.emailVerifiedAt)}` : 'not verified'],
    [
      'Two-factor',
      user.twoFactorEnabledAt
        ? `on since ${utc(user.twoFactorEnabledAt)} (${recoveryCodesLeft} recovery code${recoveryCodesLeft === 1 ? '' : 's'} left)`
        : 'off',
    ],
    ['Passkeys', String(passkeys)],
    ['Sessions', `${liveSessions} live`],
    [
      'Last sign-in',
      lastSignIn
        ? `${utc(lastSignIn.at)} from ${lastSignIn.ip ?? 'an unknown address'}`
        : 'none kept',
    ],
    [
      'Lockout',
      lockedUntil
        ? `locked until ${utc(lockedUntil)}`
        : `not locked (${failedSignIns} failed sign-in${failedSignIns === 1 ? '' : 's'} since the last success)`,
    ],
  ];
  for (const [name, value] of lines) {
    say(`${`${name}:`.padEnd(14)}${value}`);
  }
}

/** The commands that take one address and say in one line what they did. */
@Injectable()
abstract class AccountCommand extends CommandRunner {
  constructor(protected readonly operator: OperatorService) {
    super();
  }

  async run([email]: string[]): Promise<void> {
    say(await this.act(email));
  }

  protected abstract act(email: string): Promise<string>;
}

@Command({
  name: 'unlock',
  arguments: '<email>',
  description: 'lift the lockout that failed sign-ins put on an account',
})
export class UnlockCommand extends AccountCommand {
  protected async act(email: string): Promise<string> {
    return (await this.operator.unlock(email))
      ? `Unlocked ${email}: its failed sign-ins are forgotten.`
      : `${email} was not locked; nothing to do.`;
  }
}

@Command({
  name: 'disable',
  arguments: '<email>',
  description: 'stop an account from signing in, and end its sessions at once',
})
export class DisableCommand extends AccountCommand {
  protected async act(email: string): Promise<string> {
    const { changed, sessionsEnded } = await this.operator.disable(email);
    return (
      (changed ? `Disabled ${email}` : `${email} was already disabled`) +
      `; ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended.`
    );
  }
}

@Command({
  name: 'enable',
  arguments: '<email>',
  description: 'let a disabled account sign in again',
})
export class EnableCommand extends AccountCommand {
  protected async act(email: string): Promise<string> {
    return (await this.operator.enable(email))
      ? `Enabled ${email}: it can sign in again.`
      : `${email} was not disabled; nothing to do.`;
  }
}

@Command({
  name: 'end-sessions',
  arguments: '<email>',
  description: 'sign an account out everywhere',
})
export class EndSessionsCommand extends AccountCommand {
  protected async act(email: string): Promise<string> {
    const ended = await this.operator.endSessions(email);
    return `Ended ${ended} session${ended === 1 ? '' : 's'} of ${email}.`;
  }
}

@Command({
  name: 'two-factor-off',
  arguments: '<email>',
  description: 'turn two-factor sign-in off, for an owner who lost their device and codes',
})
export class TwoFactorOffCommand extends AccountCommand {
  protected async act(email: string): Promise<string> {
    return (await this.operator.disableTwoFactor(email))
      ? `Turned two-factor sign-in off for ${email}: the password alone signs in now.`
      : `${email} had two-factor sign-in off; nothing to do.`;
  }
}

@Command({
  name: 'verify',
  arguments: '<email>',
  description: 'mark an account’s address as verified',
})
export class VerifyCommand extends AccountCommand {
  protected async act(email: string): Promise<string> {
    return (await this.operator.verify(email))
      ? `Verified the address ${email}.`
      : `${email} was already verified; nothing to do.`;
  }
}

@Command({
  name: 'delete',
  arguments: '<email>',
  description: 'delete an account with its sessions, links and activity (asks first)',
})
export class DeleteCommand extends CommandRunner {
  constructor(
    private readonly operator: OperatorService,
    private readonly inquirer: InquirerService,
  ) {
    super();
  }

  async run([email]: string[], { yes = false }: { yes?: boolean }): Promise<void> {
    if (!yes) {
      if (!process.stdin.isTTY) {
        throw new OperatorError(
          'Deleting cannot be undone: add --yes to delete without a question.',
        );
      }
      const { sure } = await this.inquirer.inquirer.prompt<{ sure: boolean }>([
        { type: 'confirm', name: 'sure', default: false, message: `Delete ${email} for good?` },
      ]);
      if (!sure) {
        say('Nothing deleted.');
        return;
      }
    }
    const user = await this.operator.delete(email);
    say(`Deleted ${user.username} <${user.email}> with its sessions, links and activity.`);
  }

  @Option({ flags: '-y, --yes', description: 'do not ask first' })
  parseYes(): boolean {
    return true;
  }
}

@Command({
  name: 'create',
  description:
    'make an account with the registration’s rules; the password is asked for without echo, ' +
    'or read from the first line of standard input',
})
export class CreateCommand extends CommandRunner {
  constructor(
    private readonly operator: OperatorService,
    private readonly inquirer: InquirerService,
  ) {
    super();
  }

  async run(
    _: string[],
    options: { username: string; email: string; verified?: boolean },
  ): Promise<void> {
    const password = process.stdin.isTTY ? await this.askPassword() : await firstLineOfInput();
    const user = await this.operator.create(
      { username: options.username, email: options.email, password },
      options.verified ?? false,
    );
    say(
      `Created ${user.username} <${user.email}> (id ${user.id}), ` +
        (user.emailVerifiedAt ? 'its address verified.' : 'its address not verified yet.'),
    );
  }

  private async askPassword(): Promise<string> {
    const { password, again } = await this.inquirer.inquirer.prompt<{
      password: string;
      again: string;
    }>([
      { type: 'password', name: 'password', mask: '*', message: 'Password' },
      { type: 'password', name: 'again', mask: '*', message: 'The same password again' },
    ]);
    if (password !== again) {
      throw new OperatorError('The two passwords differ: nothing was created.');
    }
    return password;
  }

  @Option({ flags: '-u, --username <name>', description: 'the username', required: true })
  parseUsername(value: string): string {
    return value;
  }

  @Option({ flags: '-e, --email <address>', description: 'the address', required: true })
  parseEmail(value: string): string {
    return value;
  }

  @Option({ flags: '--verified', description: 'mark the address verified at once' })
  parseVerified(): boolean {
    return true;
  }
}

/** The first line of standard input (a password piped in), without its line end. */
async function firstLineOfInput(): Promise<string> {
  let input = '';
  for await (const chunk of process.stdin) {
    input += String(chunk);
    if (input.includes('\n') || input.length > 4096) {
      break;
    }
  }
  return input.split(/\r?\n/)[0];
}

export const ACCOUNT_COMMANDS = [
  ListCommand,
  ShowCommand,
  UnlockCommand,
  DisableCommand,
  EnableCommand,
  EndSessionsCommand,
  TwoFactorOffCommand,
  VerifyCommand,
  DeleteCommand,
  CreateCommand,
];
