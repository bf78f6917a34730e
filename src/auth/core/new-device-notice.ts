import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { MailService } from '../../infra/mail/mail.service';
import { AccountActivity } from '../../activity/account-activity';
import { describeDevice } from '../../sessions/device-description';

/**
 * Mails the owner when their account is signed in from a kind of device (browser and system,
 * whatever their versions) that none of its kept sign-ins used: with the device, IP and time,
 * and a link to the activity page. The account's very first sign-in is not news.
 */
@Injectable()
export class NewDeviceNotice {
  constructor(
    private readonly activity: AccountActivity,
    private readonly mail: MailService,
  ) {}

  /** Called as a sign-in starts, before it is recorded. */
  async signingIn(user: Express.User, req: Request, at: Date): Promise<void> {
    const earlier = await this.activity.signInUserAgents(user.id);
    if (earlier.length === 0) {
      return;
    }
    const device = describeDevice(req.get('user-agent') ?? null);
    if (earlier.some((userAgent) => describeDevice(userAgent).kind === device.kind)) {
      return;
    }
    this.mail.send({
      to: user.email,
      subject: 'New sign-in to your account',
      template: 'mail/notice',
      context: {
        heading: 'A new device signed in to your account',
        paragraphs: [
          `Your account ${user.username} was signed in from a device it had not used before:`,
          `${device.name}, from the IP address ${req.ip ?? 'unknown'}, on ${at.toUTCString()}.`,
          'If it was you, there is nothing to do. If it was not, open your account’s activity page, press “This wasn’t me”: every device is signed out and you get a link to choose a new password.',
        ],
        action: { label: 'See your account’s activity', url: this.mail.link('/account/activity') },
        note: 'You receive this mail because your account was signed in from a new device.',
      },
    });
  }
}
