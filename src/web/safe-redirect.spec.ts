import { safeRedirectPath } from './safe-redirect';

describe(safeRedirectPath.name, () => {
  it.each(['/', '/a?b=c', '/account/settings#top', '/search?q=a%2F%2Fb', `/${'a'.repeat(2000)}`])(
    'keeps the local path %p',
    (next) => {
      expect(safeRedirectPath(next)).toBe(next);
    },
  );

  it.each([
    ['a protocol-relative URL', '//evil.com'],
    ['a backslash host', '/\\evil.com'],
    ['a backslash inside', '/a\\b'],
    ['an absolute URL', 'https://evil.com'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['an empty string', ''],
    ['a relative path', 'evil'],
    ['a newline', '/a\nb'],
    ['a carriage return', '/a\rb'],
    ['a tab before slashes', '/\t/evil.com'],
    ['a NUL byte', '/a\u0000b'],
    ['a path of 3000 characters', `/${'a'.repeat(2999)}`],
    ['an array', ['/a', '/b']],
    ['an object', { path: '/a' }],
    ['undefined', undefined],
    ['a number', 1],
  ])('sends %s to /', (_name, next) => {
    expect(safeRedirectPath(next)).toBe('/');
  });
});
