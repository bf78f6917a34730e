import { describeEvent } from './activity-page.service';

describe(describeEvent.name, () => {
  it.each([
    ['session_created', null, 'Signed in'],
    ['session_created', 'remember_me', 'Signed in, with “Remember me”'],
    ['authn_login_fail', null, 'Failed sign-in: wrong password'],
    ['authn_login_fail', 'current_password', 'Wrong current password in the account settings'],
    ['authn_login_lock', null, 'Account locked after too many failed sign-ins'],
    ['authn_password_change', 'password_reset', 'Password changed with a reset link'],
    ['user_updated', 'email_change_undone', 'Email change undone'],
    ['session_destroyed', 'not_me', 'Every session ended: “This wasn’t me”'],
  ])('words %s (%s) as "%s"', (event, reason, words) => {
    expect(describeEvent(event, reason)).toBe(words);
  });

  it.each([
    'other_sessions_ended',
    'password_reset',
    'password_changed',
    'email_change_undone',
    'not_me',
    'signed_out',
    'ended_from_sessions_page',
  ])('has words of its own for sessions ended by %s', (reason) => {
    expect(describeEvent('session_destroyed', reason)).not.toMatch(/session destroyed|_/);
  });

  it('words an event it does not know in readable text rather than failing', () => {
    expect(describeEvent('user_archived', 'whatever')).toBe('user archived');
  });
});
