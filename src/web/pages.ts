import type { Request, Response } from 'express';
import { Flash, takeFlashes } from './flash';

export const PRODUCT_NAME = 'Nest Auth';

/** What a page says about itself, next to its route: see `@Page` and `@FormView`. */
export interface PageDefinition {
  /** Its template under `views/`, such as `sign-in/login`. */
  view: string;
  /** Shown in the browser tab and by assistive technology. */
  title: string;
  /** The page has a form that signed-out visitors send (it then gets a CSRF token). */
  form?: boolean;
  /** The fields whose values come back into the form after an error; never a password. */
  keep?: readonly string[];
}

export interface PageLocals {
  title: string;
  productName: string;
  /** The signed-in user; the layout asks one whose address is not verified yet to verify it. */
  currentUser?: { username: string; email: string; emailVerified: boolean };
  /** Set only when the page has a form: every signed-in page has the sign-out button. */
  csrfToken?: string;
  flashes: Flash[];
}

/** What every page template needs besides its own data. */
export function pageLocals(
  req: Request,
  res: Response,
  page: Pick<PageDefinition, 'title' | 'form'>,
): PageLocals {
  const user = req.user;
  const token = res.locals.csrfToken as (() => string) | undefined;
  return {
    title: page.title,
    productName: PRODUCT_NAME,
    currentUser: user
      ? { username: user.username, email: user.email, emailVerified: user.emailVerified }
      : undefined,
    csrfToken: (user || page.form) && token ? token() : undefined,
    flashes: takeFlashes(req, res),
  };
}
