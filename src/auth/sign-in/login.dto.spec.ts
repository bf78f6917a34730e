import { formErrorsOf, validateForm } from '../../../test/factories/form-validation';
import { LoginDto } from './login.dto';

const formFactory = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  email: 'alice@example.com',
  password: 'violet-kettle-42',
  ...overrides,
});

const validate = (body: Record<string, unknown>) => validateForm(LoginDto, body);
const errorsOf = (body: Record<string, unknown>) => formErrorsOf(LoginDto, body);

describe(LoginDto.name, () => {
  it('accepts the form, with the email trimmed and lower-cased and next kept', async () => {
    const dto = await validate(formFactory({ email: ' Alice@Example.COM ', next: '/account' }));

    expect(dto).toBeInstanceOf(LoginDto);
    expect(dto).toEqual({
      email: 'alice@example.com',
      password: 'violet-kettle-42',
      next: '/account',
    });
  });

  it('needs no next', async () => {
    const dto = (await validate(formFactory())) as LoginDto;

    expect(dto.next).toBeUndefined();
  });

  // Length rules are the registration's business: at sign-in a wrong password of any
  // reasonable length gets the one "Invalid email or password." answer from AuthService.
  it.each(['short', 'x'.repeat(100), 'password'])(
    'lets the password %p through',
    async (password) => {
      await expect(validate(formFactory({ password }))).resolves.toMatchObject({ password });
    },
  );

  it.each([
    ['sent twice', ['/a', '/b']],
    ['over 2048 characters', `/${'a'.repeat(2048)}`],
    ['with a tab', '/account\tx'],
    ['with a NUL byte', '/\u0000x'],
    ['to another site', '//evil.example'],
    ['an absolute URL', 'https://evil.example/'],
  ])('accepts the form with a next %s, replaced by /', async (_name, next) => {
    await expect(validate(formFactory({ next }))).resolves.toMatchObject({ next: '/' });
  });

  it.each(['on', 'ON', '1', 'true', 'yes'])('reads remember=%p as ticked', async (remember) => {
    await expect(validate(formFactory({ remember }))).resolves.toMatchObject({ remember: 'on' });
  });

  it.each(['', '0', 'off', 'false', 'no', 'x'.repeat(100)])(
    'reads remember=%p as not ticked',
    async (remember) => {
      const dto = (await validate(formFactory({ remember }))) as LoginDto;

      expect(dto.remember).toBeUndefined();
    },
  );

  it.each([
    ['an invalid email', { email: 'alice' }, { email: ['Please enter a valid email address'] }],
    ['a missing email', { email: undefined }, { email: ['Email is required'] }],
    [
      'an email sent twice',
      { email: ['a@x.io', 'b@x.io'] },
      { email: ['Email must be sent once, as text'] },
    ],
    ['a missing password', { password: undefined }, { password: ['Password is required'] }],
    ['an empty password', { password: '' }, { password: ['Please enter your password'] }],
    [
      'a password sent twice',
      { password: ['a', 'b'] },
      { password: ['Password must be sent once, as text'] },
    ],
    [
      'a password over 1024 characters',
      { password: 'x'.repeat(1025) },
      { password: ['Invalid email or password.'] },
    ],
    [
      'remember sent twice',
      { remember: ['on', 'on'] },
      { remember: ['Remember me must be sent once, as text'] },
    ],
    [
      'a field the form does not have',
      { username: 'alice' },
      { form: ['The form contained a field it does not have. Please use the form on this page.'] },
    ],
  ])('refuses %s', async (_name, overrides, errors) => {
    await expect(errorsOf(formFactory(overrides))).resolves.toEqual(errors);
  });
});
