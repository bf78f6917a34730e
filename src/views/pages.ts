import type { Request } from 'express';
import { csrf } from '../common/csrf';
import { Flash, takeFlashes } from './flash';

export const PRODUCT_NAME = 'Nest Auth';

/** The title of each page template, shown in the browser tab and the heading. */
const TITLES: Record<string, string> = {
  home: 'Home',
  login: 'Log in',
  register: 'Create an account',
  logout: 'Log out',
  error: 'Error',
  'form-expired': 'Form expired',
};

/** Pages with a form besides the sign-out button that every signed-in page has. */
const FORM_PAGES = new Set(['login', 'register', 'logout']);

export interface PageLocals {
  title: string;
  productName: string;
  currentUser?: { username: string };
  /** Set only when the page has a form, so that other pages create no session. */
  csrfToken?: string;
  flashes: Flash[];
}

/** What every page template needs besides its own data. */
export function pageLocals(req: Request, view: string): PageLocals {
  const user = req.user;
  return {
    title: TITLES[view] ?? PRODUCT_NAME,
    productName: PRODUCT_NAME,
    currentUser: user ? { username: user.username } : undefined,
    csrfToken: user || FORM_PAGES.has(view) ? csrf.generateToken(req) : undefined,
    flashes: takeFlashes(req),
  };
}
