import { randomBytes } from 'node:crypto';
import { median } from './load';
import { FormToken, openForm, postForm } from './sign-ins';

/**
 * The pause after each request: the lookup, token and mail of a request for an existing address
 * run after its answer, and must not slow down the request measured next.
 */
const SETTLE_MS = 50;

/** One round: the median answer time of reset requests for existing and for unknown addresses. */
export interface ResetRequestRound {
  existingMs: number;
  unknownMs: number;
}

/**
 * `pairs` reset requests for existing addresses (each once, from `emails`) and as many for
 * addresses nobody has, in pairs, one at a time, with the form token of one signed-out
 * browser. Each must be answered 303 to /login; how long that takes is what is compared.
 */
export async function resetRequestRound(
  baseUrl: string,
  emails: string[],
  pairs: number,
): Promise<ResetRequestRound> {
  const form = await openForm(baseUrl, '/forgot-password');
  const existing: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const email = emails.pop();
    if (!email) {
      throw new Error('The bench ran out of seeded addresses for reset requests');
    }
    const nobody = `nobody-${randomBytes(6).toString('hex')}@example.com`;
    // Each kind goes first in every other pair: the request after another one's lookup, token
    // and mail meets a warmer process than the one after a quiet pause.
    if (i % 2 === 0) {
      existing.push(await resetRequest(baseUrl, form, email));
      unknown.push(await resetRequest(baseUrl, form, nobody));
    } else {
      unknown.push(await resetRequest(baseUrl, form, nobody));
      existing.push(await resetRequest(baseUrl, form, email));
    }
  }
  return { existingMs: median(existing), unknownMs: median(unknown) };
}

async function resetRequest(baseUrl: string, form: FormToken, email: string): Promise<number> {
  const { res, elapsed } = await postForm(baseUrl, '/forgot-password', form, { email });
  if (res.status !== 303 || res.headers.get('location') !== '/login') {
    throw new Error(`A reset request answered ${res.status}, not 303 to /login`);
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return elapsed;
}
