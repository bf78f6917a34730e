import { formErrorsOf, validateForm } from '../../../test/factories/form-validation';
import { RegisterDto } from './register.dto';

const PASSWORD = 'violet-kettle-42';

/** A valid registration form as the browser sends it; `password` fills both password fields. */
const formFactory = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const password = overrides.password ?? PASSWORD;
  return {
    username: 'alice_1',
    email: 'alice@example.com',
    password,
    confirmPassword: password,
    ...overrides,
  };
};

const validate = (body: Record<string, unknown>) => validateForm(RegisterDto, body);
const errorsOf = (body: Record<string, unknown>) => formErrorsOf(RegisterDto, body);

const TOO_SHORT = 'Password must be at least 8 characters';
const TOO_LONG =
  'Password must be at most 72 bytes: 72 plain letters, digits or symbols, fewer with accented letters or emoji';
const TOO_COMMON =
  'This password is too common: it is on the lists attackers try first. Please choose another';
const PERSONAL = 'Password must not be your username or email address';
const CONTROL = 'Password must not contain control characters';

describe(RegisterDto.name, () => {
  it('accepts a valid form, with the email trimmed and lower-cased', async () => {
    const dto = await validate(formFactory({ email: '  Alice@Example.COM \t' }));

    expect(dto).toBeInstanceOf(RegisterDto);
    expect(dto).toEqual({
      username: 'alice_1',
      email: 'alice@example.com',
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
  });

  it('answers 422', async () => {
    await expect(validate(formFactory({ username: 'x' }))).rejects.toMatchObject({ status: 422 });
  });

  describe('username', () => {
    it.each(['Abc', 'a.b_c9', 'Alice.Smith_2', 'a'.repeat(20)])('accepts %p', async (username) => {
      await expect(validate(formFactory({ username }))).resolves.toMatchObject({ username });
    });

    it.each(['ab', 'a'.repeat(21), '1a', ''])('refuses the length of %p', async (username) => {
      await expect(errorsOf(formFactory({ username }))).resolves.toEqual({
        username: ['Username must be 3 to 20 characters'],
      });
    });

    it.each([
      ['a space', 'alice smith'],
      ['a leading space', ' alice'],
      ['a tab', 'alice\tsmith'],
      ['a trailing newline', 'alice\n'],
      ['a newline inside', 'ali\nce'],
      ['a leading digit', '1alice'],
      ['a leading underscore', '_alice'],
      ['a dash', 'alice-smith'],
      ['an @', 'alice@home'],
      ['a non-ASCII letter', 'alicé'],
    ])('refuses %s', async (_name, username) => {
      await expect(errorsOf(formFactory({ username }))).resolves.toEqual({
        username: ['Usernames must have only letters, numbers, dots or underscores'],
      });
    });
  });

  describe('email', () => {
    it.each(['not-an-email', 'alice@', '@example.com', 'alice@example', 'a lice@example.com'])(
      'refuses %p',
      async (email) => {
        await expect(errorsOf(formFactory({ email }))).resolves.toEqual({
          email: ['Please enter a valid email address'],
        });
      },
    );

    /** A valid address of exactly `length` characters. */
    const emailOfLength = (length: number) => {
      const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`;
      return `${'a'.repeat(length - domain.length - 1)}@${domain}`;
    };

    it('accepts 254 characters', async () => {
      const email = emailOfLength(254);

      await expect(validate(formFactory({ email }))).resolves.toMatchObject({ email });
    });

    it('refuses 255 characters', async () => {
      await expect(errorsOf(formFactory({ email: emailOfLength(255) }))).resolves.toEqual({
        email: ['Please enter a valid email address'],
      });
    });
  });

  describe('password', () => {
    it.each([
      ['8 ASCII characters', 'kq8!vz3#'],
      ['exactly 64 ASCII characters', 'Zq8!'.repeat(16)],
      ['exactly 72 ASCII characters', 'Zq8!'.repeat(18)],
      ['36 accented letters (72 bytes)', 'é'.repeat(36)],
    ])('accepts %s', async (_name, password) => {
      await expect(validate(formFactory({ password }))).resolves.toMatchObject({ password });
    });

    it.each([
      ['under 8 characters', 'kq8!vz3', TOO_SHORT],
      ['empty', '', TOO_SHORT],
      ['73 ASCII characters', `${'Zq8!'.repeat(18)}x`, TOO_LONG],
      ['37 accented letters (74 bytes)', 'é'.repeat(37), TOO_LONG],
      ['common', 'password123', TOO_COMMON],
      ['common in another case', 'Password1', TOO_COMMON],
      ['common in capitals', 'PASSWORD123', TOO_COMMON],
      ['a NUL byte', 'violet\u0000kettle', CONTROL],
      ['a newline', 'violet\nkettle', CONTROL],
      ['a tab', 'violet\tkettle', CONTROL],
      ['a DEL character', 'violet\u007fkettle', CONTROL],
    ])('refuses a password %s', async (_name, password, message) => {
      await expect(errorsOf(formFactory({ password }))).resolves.toEqual({ password: [message] });
    });

    it.each([
      ['the username', { username: 'kettle_violet', password: 'Kettle_Violet' }],
      ['the email', { email: 'violet.kettle@example.com', password: 'Violet.Kettle@Example.com' }],
      [
        'the part of the email before the @',
        { email: 'violet.kettle@example.com', password: 'VIOLET.KETTLE' },
      ],
    ])('refuses a password equal to %s, in any case', async (_name, overrides) => {
      await expect(errorsOf(formFactory(overrides))).resolves.toEqual({ password: [PERSONAL] });
    });
  });

  describe('confirmPassword', () => {
    it('must equal the password', async () => {
      await expect(errorsOf(formFactory({ confirmPassword: `${PASSWORD}x` }))).resolves.toEqual({
        confirmPassword: ['Passwords must match!'],
      });
    });
  });

  describe('the form as a whole', () => {
    it.each([
      ['username', 'Username'],
      ['email', 'Email'],
      ['password', 'Password'],
      ['confirmPassword', 'Password confirmation'],
    ])('says %s is required when it is missing', async (field, label) => {
      const body = formFactory();
      delete body[field];

      await expect(errorsOf(body)).resolves.toMatchObject({ [field]: [`${label} is required`] });
    });

    it.each([
      ['username', 'Username'],
      ['email', 'Email'],
      ['password', 'Password'],
      ['confirmPassword', 'Password confirmation'],
    ])('says %s must be sent once when it is sent twice', async (field, label) => {
      const body = formFactory();
      body[field] = [body[field], body[field]];

      await expect(errorsOf(body)).resolves.toMatchObject({
        [field]: [`${label} must be sent once, as text`],
      });
    });

    it('refuses a field sent as an object', async () => {
      await expect(errorsOf(formFactory({ email: { $ne: '' } }))).resolves.toEqual({
        email: ['Email must be sent once, as text'],
      });
    });

    it('refuses a field the form does not have', async () => {
      await expect(errorsOf(formFactory({ isAdmin: 'true' }))).resolves.toEqual({
        form: ['The form contained a field it does not have. Please use the form on this page.'],
      });
    });

    it('shows only the first failure of each field, for every field that fails', async () => {
      await expect(
        errorsOf({ username: '1', email: 'nope', password: 'short', confirmPassword: 'other' }),
      ).resolves.toEqual({
        username: ['Username must be 3 to 20 characters'],
        email: ['Please enter a valid email address'],
        password: [TOO_SHORT],
        confirmPassword: ['Passwords must match!'],
      });
    });
  });
});
