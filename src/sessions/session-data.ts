import type { SessionDevice } from './session-device';

// What the app keeps in a session besides the cookie, the CSRF token and the flash messages.
declare module 'express-session' {
  interface SessionData {
    /** Passport's part: the signed-in user's id (see SessionSerializer). */
    passport?: { user?: unknown };
    /** When the person signed in (ms since the epoch), for the absolute session lifetime. */
    signedInAt?: number;
    /** The session's public handle and the device that signed in (see session-device.ts). */
    device?: SessionDevice;
    /**
     * Set for a "Remember me" sign-in: when it ends (ms since the epoch), REMEMBER_DAYS after the
     * sign-in. Such a session has no idle timeout and no SESSION_ABSOLUTE_HOURS, and its cookie
     * expires then too, so that it outlives the browser.
     */
    rememberedUntil?: number;
    /**
     * A sign-in whose password was right and that waits for its second factor: whose, whether
     * to remember it, where to go next, and when it began (it lasts 5 minutes; its wrong codes
     * are counted in the counter store). Such a session has no signed-in user.
     */
    secondStep?: {
      userId: number;
      email: string;
      remember: boolean;
      next: string;
      startedAt: number;
    };
    /** A TOTP secret shown on the two-factor page and not turned on yet, sealed (SecretBox). */
    twoFactorSetup?: string;
    /** The challenge of a passkey being added, and when it was made: answered once. */
    passkeyChallenge?: { challenge: string; at: number };
  }
}

export {};
