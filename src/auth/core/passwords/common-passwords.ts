import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * About 49,000 of the most used passwords (the list zxcvbn-ts keeps, from public breach
 * corpora), lower-cased so the check ignores case.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary['passwords-common'].map((password) => password.toLowerCase()),
);

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
