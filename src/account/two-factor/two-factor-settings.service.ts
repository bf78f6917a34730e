import { HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import QRCode from 'qrcode';
import { AuthService } from '../../auth/core/auth.service';
import { newTotpSecret, totpUri } from '../../auth/core/two-factor/totp';
import { TwoFactorService } from '../../auth/core/two-factor/two-factor.service';
import { MailService } from '../../infra/mail/mail.service';
import { FormError } from '../../web/form-error';
import { PRODUCT_NAME } from '../../web/pages';
import { TwoFactorChange, twoFactorMail } from './two-factor.mails';

export const TWO_FACTOR_PATH = '/account/two-factor';
export const WRONG_SETUP_CODE =
  'That code is not right. Check the time on your device, and enter the code it shows now.';

/** What the two-factor page shows: the state, or the secret to add to an app. */
export type TwoFactorPage =
  | { enabled: true; codesLeft: string }
  | {
      enabled: false;
      /** The secret in groups of four, to type into an app that cannot read the QR code. */
      secret: string;
      /** The QR code of the `otpauth://` address, as SVG markup made here. */
      qrCode: string;
    };

/**
 * The signed-in user's two-factor settings. While it is off, the page offers a secret, kept
 * (sealed) in the session until a code of it turns two-factor on; the same secret is offered
 * again until then, so that reloading the page does not invalidate a scanned code.
 */
@Injectable()
export class TwoFactorSettingsService {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly auth: AuthService,
    private readonly mail: MailService,
  ) {}

  async page(req: Request): Promise<TwoFactorPage> {
    const user = req.user as Express.User;
    if (await this.twoFactor.isEnabled(user.id)) {
      const left = await this.twoFactor.recoveryCodesLeft(user.id);
      return { enabled: true, codesLeft: `${left} unused recovery code${left === 1 ? '' : 's'}` };
    }
    const secret = this.setupSecret(req);
    const qrCode = await QRCode.toString(totpUri(secret, user.email, PRODUCT_NAME), {
      type: 'svg',
      margin: 2,
      errorCorrectionLevel: 'M',
    });
    return { enabled: false, secret: secret.replace(/(.{4})(?=.)/g, '$1 '), qrCode };
  }

  /** Turns it on: the recovery codes to show once. */
  async enable(req: Request, code: string, currentPassword: string): Promise<string[] | null> {
    const user = req.user as Express.User;
    await this.auth.checkCurrentPassword(user, currentPassword, req.ip ?? '');
    const sealed = req.session.twoFactorSetup;
    const secret = sealed === undefined ? null : this.twoFactor.open(sealed);
    if (secret === null) {
      // The page was opened in another session, or too long ago: a new secret to scan.
      throw new FormError(
        { code: ['Please scan the code on this page again: it has changed.'] },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }
    const result = await this.twoFactor.enable(user.id, secret, code);
    if (result === 'wrong_code') {
      throw new FormError({ code: [WRONG_SETUP_CODE] });
    }
    delete req.session.twoFactorSetup;
    if (result === 'already_on') {
      return null;
    }
    this.notify(user, 'enabled');
    return result;
  }

  async disable(req: Request, currentPassword: string): Promise<boolean> {
    const user = req.user as Express.User;
    await this.auth.checkCurrentPassword(user, currentPassword, req.ip ?? '');
    const changed = await this.twoFactor.disable(user.id);
    if (changed) {
      this.notify(user, 'disabled');
    }
    return changed;
  }

  async newRecoveryCodes(req: Request, currentPassword: string): Promise<string[] | null> {
    const user = req.user as Express.User;
    await this.auth.checkCurrentPassword(user, currentPassword, req.ip ?? '');
    const codes = await this.twoFactor.newRecoveryCodes(user.id);
    if (codes) {
      this.notify(user, 'recovery_codes');
    }
    return codes;
  }

  /** The secret this session offers, made on the first visit. */
  private setupSecret(req: Request): string {
    const sealed = req.session.twoFactorSetup;
    const kept = sealed === undefined ? null : this.twoFactor.open(sealed);
    if (kept !== null) {
      return kept;
    }
    const secret = newTotpSecret();
    req.session.twoFactorSetup = this.twoFactor.seal(secret);
    return secret;
  }

  private notify(user: Express.User, change: TwoFactorChange): void {
    this.mail.send(twoFactorMail(user, change, new Date(), this.mail.link(TWO_FACTOR_PATH)));
  }
}
