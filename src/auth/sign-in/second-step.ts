import type { Request } from 'express';
import type { SessionData } from 'express-session';

/** How long the second step of a sign-in waits for its code. */
export const SECOND_STEP_MS = 5 * 60 * 1000;
/** Wrong codes that end the attempt: the person starts again from the password. */
export const SECOND_STEP_TRIES = 5;

export type SecondStep = NonNullable<SessionData['secondStep']>;

/**
 * After a right password, for an account with two-factor on: a session under a new id that
 * knows whose sign-in waits for a code, and nothing else (it is not signed in).
 */
export async function beginSecondStep(
  req: Request,
  step: Omit<SecondStep, 'startedAt'>,
): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    req.session.regenerate((error) => (error ? reject(error as Error) : resolve())),
  );
  req.session.secondStep = { ...step, startedAt: Date.now() };
}

/** The sign-in waiting for its code in this request's session, unless it has expired. */
export function pendingSecondStep(req: Request): SecondStep | undefined {
  const step = req.session?.secondStep;
  return step && Date.now() - step.startedAt <= SECOND_STEP_MS ? step : undefined;
}
