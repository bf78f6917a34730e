import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { Repository } from 'typeorm';
import { AppConfig } from '../../../config/app-config';
import { AuditLog } from '../../../observability/audit-log';
import { PRODUCT_NAME } from '../../../web/pages';
import { isUniqueViolation } from '../../../users/unique-violation';
import { Passkey } from './passkey.entity';

/** How many passkeys one account may have. */
export const PASSKEYS_PER_ACCOUNT = 20;

/**
 * Passkeys (WebAuthn, with @simplewebauthn/server): the options and the checks of the two
 * ceremonies, adding one and signing in with one, and the account's list. The relying party is
 * APP_URL: its host is the RP ID, its origin the only one accepted. A passkey must verify its
 * user (a PIN, a fingerprint), so that signing in with it counts as two factors. The challenges
 * are kept by the callers (in the session, or a signed cookie) and used once.
 */
@Injectable()
export class PasskeysService {
  private readonly logger = new Logger(PasskeysService.name);
  private readonly rpID: string;
  private readonly origin: string;

  constructor(
    @InjectRepository(Passkey) private readonly passkeys: Repository<Passkey>,
    config: AppConfig,
    private readonly audit: AuditLog,
  ) {
    const url = new URL(config.appUrl);
    this.rpID = url.hostname;
    this.origin = url.origin;
  }

  /** The account's passkeys, newest first. */
  list(userId: number): Promise<Passkey[]> {
    return this.passkeys.find({ where: { userId }, order: { id: 'DESC' } });
  }

  count(userId: number): Promise<number> {
    return this.passkeys.countBy({ userId });
  }

  /** What the browser needs to make a new passkey for this account (not one it already has). */
  async registrationOptions(user: {
    id: number;
    email: string;
    username: string;
  }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.list(user.id);
    return generateRegistrationOptions({
      rpName: PRODUCT_NAME,
      rpID: this.rpID,
      userName: user.email,
      userDisplayName: user.username,
      userID: new TextEncoder().encode(`user-${user.id}`),
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({
        id: passkey.credentialId,
        transports: transportsOf(passkey),
      })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
  }

  /**
   * Keeps the new passkey if the browser's answer is right for `challenge`: its name, or null
   * when it is not (a wrong or replayed answer, another origin, no user verification, or a
   * passkey some account has already).
   */
  async register(
    userId: number,
    response: RegistrationResponseJSON,
    challenge: string,
    name: string,
  ): Promise<Passkey | null> {
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.origin,
      expectedRPID: this.rpID,
      requireUserVerification: true,
    }).catch((error: unknown) => this.refused('A passkey could not be added', error));
    if (!verified?.verified) {
      return null;
    }
    const { credential } = verified.registrationInfo;
    if (await this.passkeys.existsBy({ credentialId: credential.id })) {
      return null;
    }
    let saved: Passkey;
    try {
      saved = await this.passkeys.save(
        this.passkeys.create({
          userId,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey).toString('base64url'),
          counter: credential.counter,
          transports: knownTransports(credential.transports).join(','),
          name,
          lastUsedAt: null,
        }),
      );
    } catch (error) {
      // The same passkey added at once by two requests: the unique index keeps one.
      if (isUniqueViolation(error)) {
        return null;
      }
      throw error;
    }
    await this.audit.record('user_updated', { userId, reason: 'passkey_added' });
    return saved;
  }

  /** What the browser needs to sign in with any passkey of this site (discoverable ones). */
  authenticationOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return generateAuthenticationOptions({ rpID: this.rpID, userVerification: 'required' });
  }

  /** The account whose passkey signed `challenge`, or null. Its counter and last use move on. */
  async authenticate(
    response: AuthenticationResponseJSON,
    challenge: string,
  ): Promise<Passkey | null> {
    const passkey =
      typeof response?.id === 'string' && response.id.length <= 1400
        ? await this.passkeys.findOneBy({ credentialId: response.id })
        : null;
    if (!passkey) {
      return null;
    }
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.origin,
      expectedRPID: this.rpID,
      credential: {
        id: passkey.credentialId,
        publicKey: Buffer.from(passkey.publicKey, 'base64url'),
        counter: passkey.counter,
        transports: transportsOf(passkey),
      },
      requireUserVerification: true,
    }).catch((error: unknown) => this.refused('A passkey sign-in was refused', error));
    if (!verified?.verified) {
      return null;
    }
    await this.passkeys.update(
      { id: passkey.id },
      { counter: verified.authenticationInfo.newCounter, lastUsedAt: new Date() },
    );
    return passkey;
  }

  /** Renames one of the account's passkeys; false when it has none with this id. */
  async rename(userId: number, id: number, name: string): Promise<boolean> {
    const { affected } = await this.passkeys.update({ id, userId }, { name });
    return (affected ?? 0) > 0;
  }

  /** Removes one of the account's passkeys; false when it has none with this id. */
  async remove(userId: number, id: number): Promise<boolean> {
    const { affected } = await this.passkeys.delete({ id, userId });
    if (!affected) {
      return false;
    }
    await this.audit.record('user_updated', { userId, reason: 'passkey_removed' });
    return true;
  }

  /** A malformed answer throws inside the library: for us it is simply not a right one. */
  private refused(what: string, error: unknown): undefined {
    this.logger.debug(`${what}: ${(error as Error).message}`);
    return undefined;
  }
}

/** The transports WebAuthn names; what a browser reports is kept only if it is one of them. */
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

function knownTransports(reported: unknown): string[] {
  return Array.isArray(reported)
    ? [...new Set(reported.filter((each): each is string => TRANSPORTS.has(each as string)))]
    : [];
}

function transportsOf(passkey: Passkey): string[] {
  return passkey.transports === '' ? [] : passkey.transports.split(',');
}
