import { ParsedMail, simpleParser } from 'mailparser';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { linkIn } from '../../helpers/mail';
import type { AppProcess } from './app-process';

/** Each mail file read so far, parsed; and those already handed out by `mailTo`. */
const parsed = new Map<string, ParsedMail>();
const taken = new Set<string>();

/**
 * The first mail to `to` with `subject` that the app has written and no earlier call has
 * handed out. Without MAIL_URL the app writes each mail to a `.eml` file in the `mail` folder
 * beside its SQLite file; mail leaves after the answer that caused it, so this waits up to 10 s.
 */
export async function mailTo(app: AppProcess, to: string, subject: string): Promise<ParsedMail> {
  const folder = join(dirname(app.databasePath), 'mail');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const files = existsSync(folder) ? readdirSync(folder).sort() : [];
    for (const name of files.filter((file) => file.endsWith('.eml'))) {
      const file = join(folder, name);
      if (taken.has(file)) {
        continue;
      }
      let mail = parsed.get(file);
      if (!mail) {
        mail = await simpleParser(readFileSync(file));
        parsed.set(file, mail);
      }
      const recipients = ([] as { text: string }[]).concat(mail.to ?? []).map(({ text }) => text);
      if (recipients.includes(to) && mail.subject === subject) {
        taken.add(file);
        return mail;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`No mail "${subject}" to ${to} within 10 s in ${folder}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The path and query of the first link to `path` in a mail: the link starts with APP_URL
 * (localhost), and the browser opens it on the app's own address.
 */
export function linkPath(mail: ParsedMail, path: string): string {
  const link = linkIn(mail, path);
  return link.pathname + link.search;
}
