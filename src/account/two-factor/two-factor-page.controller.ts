import {
  Body,
  Catch,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Post,
  Redirect,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthenticatedGuard } from '../../auth/core/guards/authenticated.guard';
import { flash } from '../../web/flash';
import { FormError } from '../../web/form-error';
import { Page, PageDefinition } from '../../web/page';
import { pageLocals } from '../../web/pages';
import { RefusedFormFilter } from '../refused-form.filter';
import { DisableTwoFactorDto, EnableTwoFactorDto, RecoveryCodesDto } from './two-factor.dto';
import { TWO_FACTOR_PATH, TwoFactorSettingsService } from './two-factor-settings.service';

const TWO_FACTOR_PAGE: PageDefinition = { view: 'account/two-factor', title: 'Two-factor sign-in' };
const RECOVERY_CODES_PAGE: PageDefinition = {
  view: 'account/recovery-codes',
  title: 'Your recovery codes',
};

/** A refused form of the two-factor page: the page again, the messages in that form. */
@Catch(FormError)
@Injectable()
export class TwoFactorFormErrorFilter extends RefusedFormFilter {
  protected readonly page = TWO_FACTOR_PAGE;
  protected readonly forms = new Set(['enable', 'disable', 'recovery-codes']);

  constructor(private readonly settings: TwoFactorSettingsService) {
    super();
  }

  protected load(req: Request): Promise<object> {
    return this.settings.page(req);
  }
}

/**
 * `/account/two-factor`: turn two-factor sign-in on with an authenticator app (the recovery
 * codes are then shown once), make new recovery codes, turn it off.
 */
@Controller('account/two-factor')
@UseGuards(AuthenticatedGuard)
@UseFilters(TwoFactorFormErrorFilter)
export class TwoFactorPageController {
  constructor(private readonly settings: TwoFactorSettingsService) {}

  @Get()
  @Page(TWO_FACTOR_PAGE)
  page(@Req() req: Request): Promise<object> {
    return this.settings.page(req);
  }

  @Post('enable')
  @HttpCode(200)
  async enable(
    @Req() req: Request,
    @Res() res: Response,
    @Body() form: EnableTwoFactorDto,
  ): Promise<void> {
    const codes = await this.settings.enable(req, form.code, form.currentPassword);
    if (!codes) {
      flash(req, 'info', 'Two-factor sign-in is already on.');
      res.redirect(303, TWO_FACTOR_PATH);
      return;
    }
    showCodes(req, res, codes, 'Two-factor sign-in is on.');
  }

  @Post('recovery-codes')
  @HttpCode(200)
  async recoveryCodes(
    @Req() req: Request,
    @Res() res: Response,
    @Body() form: RecoveryCodesDto,
  ): Promise<void> {
    const codes = await this.settings.newRecoveryCodes(req, form.currentPassword);
    if (!codes) {
      flash(req, 'info', 'Two-factor sign-in is off: there are no recovery codes to renew.');
      res.redirect(303, TWO_FACTOR_PATH);
      return;
    }
    showCodes(req, res, codes, 'Here are your new recovery codes. The old ones no longer work.');
  }

  @Post('disable')
  @Redirect(TWO_FACTOR_PATH, 303)
  async disable(@Req() req: Request, @Body() form: DisableTwoFactorDto): Promise<void> {
    if (await this.settings.disable(req, form.currentPassword)) {
      flash(req, 'success', 'Two-factor sign-in is off. Signing in asks for your password alone.');
    } else {
      flash(req, 'info', 'Two-factor sign-in was already off.');
    }
  }
}

/** The recovery codes, shown this once: the page is never stored (`no-store`, as every page). */
function showCodes(req: Request, res: Response, codes: string[], heading: string): void {
  res.render(RECOVERY_CODES_PAGE.view, {
    ...pageLocals(req, res, RECOVERY_CODES_PAGE),
    heading,
    codes,
  });
}
