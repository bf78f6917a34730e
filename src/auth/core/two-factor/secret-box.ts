import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Seals the TOTP secrets that the database keeps (AES-256-GCM), with keys derived (HKDF-SHA-256)
 * from the SESSION_SECRET list: a copy of the database alone does not give anyone the codes.
 * Sealing uses the first secret; opening tries each, so that a rotated SESSION_SECRET (the new
 * one first, the old one kept after it) still opens what the old one sealed.
 */
export class SecretBox {
  private readonly keys: Buffer[];

  constructor(secrets: string[]) {
    this.keys = secrets.map((secret) =>
      Buffer.from(hkdfSync('sha256', secret, 'nest-auth', 'totp-secret', 32)),
    );
  }

  /** `v1.IV.TAG.CIPHERTEXT`, each part base64url. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0], iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The sealed text, or null when no key of the list opens it (or it was tampered with). */
  open(sealed: string): string | null {
    const [version, iv, tag, text] = sealed.split('.');
    if (version !== VERSION || text === undefined) {
      return null;
    }
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
          authTagLength: 16,
        });
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([
          decipher.update(Buffer.from(text, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // Not this key: the next one, if any.
      }
    }
    return null;
  }
}
