/**
 * The path to go to after signing in: `next` when it is a path on this site, else `/`.
 * Refused: anything not starting with exactly one `/` (`//host`, `/\host`, `https:`,
 * `javascript:`), backslashes (browsers read them as `/`) and control characters.
 */
export function safeRedirectPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2048) {
    return '/';
  }
  const local = /^\/(?![/\\])[^\\\p{Cc}]*$/u;
  return local.test(next) ? next : '/';
}
