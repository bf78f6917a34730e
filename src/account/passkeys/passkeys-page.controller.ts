import {
  BadRequestException,
  Body,
  Catch,
  Controller,
  Get,
  HttpCode,
  Injectable,
  NotFoundException,
  Post,
  Redirect,
  Req,
  UnprocessableEntityException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Request } from 'express';
import { AuthService, WRONG_CURRENT_PASSWORD } from '../../auth/core/auth.service';
import { AuthenticatedGuard } from '../../auth/core/guards/authenticated.guard';
import { PASSKEYS_PER_ACCOUNT, PasskeysService } from '../../auth/core/passkeys/passkeys.service';
import { MailService } from '../../infra/mail/mail.service';
import { flash } from '../../web/flash';
import { FormError } from '../../web/form-error';
import { Page, PageDefinition } from '../../web/page';
import { JsonErrorFilter } from '../../web/json-routes';
import { RefusedFormFilter } from '../refused-form.filter';
import { ShownTime, shownTime } from '../shown-time';
import { RemovePasskeyDto, RenamePasskeyDto } from './passkeys.dto';
import { passkeyMail } from './passkeys.mails';

const PAGE_PATH = '/account/passkeys';
const OPTIONS_PATH = '/account/passkeys/options';
const ADD_PATH = '/account/passkeys/add';
/** The JSON routes of adding a passkey, for the body parser. */
export const PASSKEY_ADD_PATHS = [OPTIONS_PATH, ADD_PATH];

const PASSKEYS_PAGE: PageDefinition = { view: 'account/passkeys', title: 'Passkeys' };
/** How long the challenge of a passkey being added waits in the session. */
const CHALLENGE_MS = 5 * 60 * 1000;

/** One passkey as the page lists it. */
export interface ListedPasskey {
  id: number;
  name: string;
  createdAt: ShownTime;
  lastUsedAt: ShownTime | null;
  /** The ids of its forms' fields: every passkey on the page has its own. */
  renameField: string;
  removeField: string;
}

/** The account's passkeys, and adding, renaming and removing one. */
@Injectable()
export class PasskeysPageService {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly auth: AuthService,
    private readonly mail: MailService,
  ) {}

  async page(userId: number): Promise<{ passkeys: ListedPasskey[]; full: boolean }> {
    const passkeys = await this.passkeys.list(userId);
    return {
      passkeys: passkeys.map((passkey) => ({
        id: passkey.id,
        name: passkey.name,
        createdAt: shownTime(passkey.createdAt),
        lastUsedAt: passkey.lastUsedAt ? shownTime(passkey.lastUsedAt) : null,
        renameField: `rename-${passkey.id}`,
        removeField: `remove-${passkey.id}`,
      })),
      full: passkeys.length >= PASSKEYS_PER_ACCOUNT,
    };
  }

  /**
   * The options of a new passkey; their challenge waits in the session, for one answer. It asks
   * for the current password: a passkey signs in alone, so a stolen session must not add one.
   */
  async options(req: Request, currentPassword: unknown): Promise<object> {
    const user = req.user as Express.User;
    try {
      await this.auth.checkCurrentPassword(user, currentPassword, req.ip ?? '');
    } catch (error) {
      if (error instanceof FormError) {
        throw new UnprocessableEntityException(WRONG_CURRENT_PASSWORD);
      }
      throw error;
    }
    if ((await this.passkeys.count(user.id)) >= PASSKEYS_PER_ACCOUNT) {
      throw new UnprocessableEntityException(
        `An account can have at most ${PASSKEYS_PER_ACCOUNT} passkeys. Remove one first.`,
      );
    }
    const options = await this.passkeys.registrationOptions(user);
    req.session.passkeyChallenge = { challenge: options.challenge, at: Date.now() };
    return options;
  }

  async add(req: Request, response: unknown, name: unknown): Promise<string> {
    const user = req.user as Express.User;
    const waiting = req.session.passkeyChallenge;
    delete req.session.passkeyChallenge;
    if (!waiting || Date.now() - waiting.at > CHALLENGE_MS) {
      throw new BadRequestException('Adding the passkey took too long. Please try again.');
    }
    const cleanName = passkeyName(name);
    const passkey =
      typeof response === 'object' && response !== null
        ? await this.passkeys.register(
            user.id,
            response as RegistrationResponseJSON,
            waiting.challenge,
            cleanName,
          )
        : null;
    if (!passkey) {
      throw new BadRequestException('The passkey could not be added. Please try again.');
    }
    this.mail.send(passkeyMail(user, 'added', passkey.name, new Date(), this.mail.link(PAGE_PATH)));
    return passkey.name;
  }

  async rename(user: Express.User, id: number, name: string): Promise<void> {
    if (!(await this.passkeys.rename(user.id, id, name))) {
      throw new NotFoundException();
    }
  }

  /** Asks for the password: a stolen session must not remove the owner's way back in. */
  async remove(req: Request, id: number, currentPassword: string): Promise<string> {
    const user = req.user as Express.User;
    await this.auth.checkCurrentPassword(user, currentPassword, req.ip ?? '');
    const passkey = (await this.passkeys.list(user.id)).find((each) => each.id === id);
    if (!passkey || !(await this.passkeys.remove(user.id, id))) {
      throw new FormError({ form: ['No such passkey.'] }, 404);
    }
    this.mail.send(
      passkeyMail(user, 'removed', passkey.name, new Date(), this.mail.link(PAGE_PATH)),
    );
    return passkey.name;
  }
}

/** The name typed for a new passkey, trimmed; "Passkey" when none was. */
function passkeyName(name: unknown): string {
  const text = typeof name === 'string' ? name.trim() : '';
  if (text.length > 64 || /\p{Cc}/u.test(text)) {
    throw new UnprocessableEntityException(
      'A passkey name is at most 64 characters, without control characters.',
    );
  }
  return text === '' ? 'Passkey' : text;
}

/** A refused rename or removal: the page again, the messages in that form. */
@Catch(FormError)
@Injectable()
export class PasskeysFormErrorFilter extends RefusedFormFilter {
  protected readonly page = PASSKEYS_PAGE;
  protected readonly forms = new Set(['rename', 'remove']);

  constructor(private readonly service: PasskeysPageService) {
    super();
  }

  protected load(req: Request): Promise<object> {
    return this.service.page((req.user as Express.User).id);
  }
}

/**
 * `/account/passkeys`: the list, with forms to rename and remove; adding one is the page's
 * script talking to the two JSON routes below (the browser makes the passkey in between).
 */
@Controller()
@UseGuards(AuthenticatedGuard)
export class PasskeysPageController {
  constructor(private readonly service: PasskeysPageService) {}

  @Get(PAGE_PATH.slice(1))
  @Page(PASSKEYS_PAGE)
  page(@Req() req: Request): Promise<object> {
    return this.service.page((req.user as Express.User).id);
  }

  @Post(OPTIONS_PATH.slice(1))
  @HttpCode(200)
  @UseFilters(JsonErrorFilter)
  options(@Req() req: Request, @Body() body: { currentPassword?: unknown }): Promise<object> {
    return this.service.options(req, body.currentPassword);
  }

  @Post(ADD_PATH.slice(1))
  @HttpCode(200)
  @UseFilters(JsonErrorFilter)
  async add(
    @Req() req: Request,
    @Body() body: { response?: unknown; name?: unknown },
  ): Promise<{ redirect: string }> {
    const name = await this.service.add(req, body.response, body.name);
    flash(req, 'success', `Passkey “${name}” added. You can sign in with it now.`);
    return { redirect: PAGE_PATH };
  }

  @Post('account/passkeys/rename')
  @UseFilters(PasskeysFormErrorFilter)
  @Redirect(PAGE_PATH, 303)
  async rename(@Req() req: Request, @Body() form: RenamePasskeyDto): Promise<void> {
    await this.service.rename(req.user as Express.User, Number(form.id), form.name);
    flash(req, 'success', `Passkey renamed “${form.name}”.`);
  }

  @Post('account/passkeys/remove')
  @UseFilters(PasskeysFormErrorFilter)
  @Redirect(PAGE_PATH, 303)
  async remove(@Req() req: Request, @Body() form: RemovePasskeyDto): Promise<void> {
    const name = await this.service.remove(req, Number(form.id), form.currentPassword);
    flash(req, 'success', `Passkey “${name}” removed.`);
  }
}
