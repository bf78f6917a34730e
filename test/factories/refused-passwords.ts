/**
 * New passwords that every form setting one refuses (registration, reset), each with the
 * message shown by the field.
 */
export const REFUSED_NEW_PASSWORDS: [name: string, password: string, message: string][] = [
  ['a short password', 'short1!', 'Password must be at least 8 characters'],
  ['a password over 72 bytes', 'é'.repeat(37), 'Password must be at most 72 bytes'],
  ['a common password', 'Password123', 'This password is too common'],
  [
    'a password with a NUL byte',
    'abcd\u0000efghij',
    'Password must not contain control characters',
  ],
];
