import type { Request } from 'express';

export type FlashType = 'success' | 'info' | 'warning' | 'danger';

/** A message for the next page a person sees, shown as a Bootstrap alert. */
export interface Flash {
  type: FlashType;
  message: string;
}

declare module 'express-session' {
  interface SessionData {
    flash?: Flash[];
  }
}

export function flash(req: Request, type: FlashType, message: string): void {
  req.session.flash = [...(req.session.flash ?? []), { type, message }];
}

/** The waiting messages, removed from the session so that each is shown once. */
export function takeFlashes(req: Request): Flash[] {
  const flashes = req.session?.flash ?? [];
  if (flashes.length > 0) {
    delete req.session.flash;
  }
  return flashes;
}
