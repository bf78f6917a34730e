import TestAgent from 'supertest/lib/agent';
import {
  Registration,
  logIn,
  logOut,
  logInRemembered,
  register,
  sessionCookie,
} from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

/** The session id inside a `sid=s%3A<id>.<signature>` cookie. */
const sidOf = (cookie: string) => decodeURIComponent(cookie).slice('sid=s:'.length).split('.')[0];

describe('A user’s sessions (SessionsService)', () => {
  let sut: TestApp;
  let alice: Registration;
  let bob: Registration;
  let devices = 0;

  interface Device {
    agent: TestAgent;
    sid: string;
    userAgent: string;
  }

  /** A browser of its own (its own User-Agent), signed in as `who`. */
  const signIn = async (who: Registration): Promise<Device> => {
    const userAgent = `TestBrowser/${++devices}.0`;
    const agent = sut.agent().set('User-Agent', userAgent);
    const res = await logIn(agent, who.email, who.password);
    expect(res.status).toBe(303);
    return { agent, sid: sidOf(sessionCookie(res) as string), userAgent };
  };
  const userIdOf = async (who: Registration) =>
    (await sut.usersService.findByEmailWithPasswordHash(who.email))?.id as number;
  const signedIn = async ({ agent }: Device) => (await agent.get('/')).status === 200;
  const signOut = logOut;
  /** Signs `who` out of every session left over from earlier tests. */
  const fresh = async (who: Registration) => {
    await sut.sessionsService.endAll(await userIdOf(who), 'not_me');
  };

  beforeAll(async () => {
    sut = await startTestApp();
    alice = await register(sut.agent());
    bob = await register(sut.agent());
  });

  beforeEach(async () => {
    await fresh(alice);
    await fresh(bob);
  });

  afterAll(() => sut.cleanup());

  it('records the device at sign-in: handle, start, latest request, IP and User-Agent', async () => {
    const before = Date.now();
    const device = await signIn(alice);

    const [session] = await sut.sessionsService.list(await userIdOf(alice), device.sid);

    expect(session).toEqual({
      handle: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      createdAt: expect.any(Date),
      lastSeenAt: expect.any(Date),
      ip: expect.stringContaining('127.0.0.1'),
      userAgent: device.userAgent,
      rememberedUntil: null,
      current: true,
    });
    expect(session.handle).not.toBe(device.sid);
    expect(session.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(session.lastSeenAt.getTime()).toBeGreaterThanOrEqual(session.createdAt.getTime());
    const [row] = await sut.sql<Record<string, unknown>[]>(
      'SELECT user_id, handle, ip, user_agent FROM sessions WHERE id = ?',
      [device.sid],
    );
    expect(row).toEqual({
      user_id: await userIdOf(alice),
      handle: session.handle,
      ip: session.ip,
      user_agent: device.userAgent,
    });
  });

  it('lists every live session of the user and marks the current one', async () => {
    const devices = [await signIn(alice), await signIn(alice), await signIn(alice)];
    await signIn(bob);

    const sessions = await sut.sessionsService.list(await userIdOf(alice), devices[1].sid);

    expect(sessions).toHaveLength(3);
    expect(sessions.map(({ userAgent }) => userAgent).sort()).toEqual(
      devices.map(({ userAgent }) => userAgent).sort(),
    );
    expect(sessions.filter(({ current }) => current)).toEqual([
      expect.objectContaining({ userAgent: devices[1].userAgent }),
    ]);
    expect(new Set(sessions.map(({ handle }) => handle)).size).toBe(3);
    const sids = devices.map(({ sid }) => sid);
    expect(JSON.stringify(sessions)).not.toMatch(new RegExp(sids.join('|')));
  });

  it('lists the most recently seen first', async () => {
    const older = await signIn(alice);
    const newer = await signIn(alice);
    await sut.sql('UPDATE sessions SET last_seen_at = ? WHERE id = ?', [
      Date.now() - 60_000,
      older.sid,
    ]);

    const sessions = await sut.sessionsService.list(await userIdOf(alice));

    expect(sessions.map(({ userAgent }) => userAgent)).toEqual([newer.userAgent, older.userAgent]);
    expect(sessions.every(({ current }) => !current)).toBe(true);
  });

  it('leaves out sessions that have expired, outlived SESSION_ABSOLUTE_HOURS, or signed out', async () => {
    const expired = await signIn(alice);
    const tooOld = await signIn(alice);
    const signedOut = await signIn(alice);
    const kept = await signIn(alice);
    await sut.sql('UPDATE sessions SET expires_at = ? WHERE id = ?', [Date.now() - 1, expired.sid]);
    await sut.sql('UPDATE sessions SET created_at = ? WHERE id = ?', [
      Date.now() - sut.config.sessionTimeouts.absoluteMs - 1000,
      tooOld.sid,
    ]);
    await signOut(signedOut.agent);

    const sessions = await sut.sessionsService.list(await userIdOf(alice));

    expect(sessions.map(({ userAgent }) => userAgent)).toEqual([kept.userAgent]);
  });

  it('lists a remembered session past SESSION_ABSOLUTE_HOURS, with its end', async () => {
    const agent = sut.agent().set('User-Agent', 'TestBrowser/remembered');
    const res = await logInRemembered(agent, alice.email, alice.password);
    const sid = sidOf(sessionCookie(res) as string);
    await sut.sql('UPDATE sessions SET created_at = ? WHERE id = ?', [
      Date.now() - sut.config.sessionTimeouts.absoluteMs - 1000,
      sid,
    ]);

    const sessions = await sut.sessionsService.list(await userIdOf(alice));

    expect(sessions).toEqual([
      expect.objectContaining({
        userAgent: 'TestBrowser/remembered',
        rememberedUntil: expect.any(Date),
      }),
    ]);
    const end = sessions[0].rememberedUntil?.getTime() as number;
    expect(end - Date.now()).toBeGreaterThan(sut.config.sessionTimeouts.rememberMs - 60_000);
  });

  it('ends one session by its handle: that browser is signed out at its next request', async () => {
    const [one, two] = [await signIn(alice), await signIn(alice)];
    const userId = await userIdOf(alice);
    const target = (await sut.sessionsService.list(userId, one.sid)).find(({ current }) => current);

    await expect(sut.sessionsService.end(userId, target?.handle as string)).resolves.toBe(true);

    const res = await one.agent.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2F');
    expect(await signedIn(two)).toBe(true);
    await expect(sut.sessionsService.list(userId)).resolves.toHaveLength(1);
    await expect(sut.sessionsService.end(userId, target?.handle as string)).resolves.toBe(false);
    expect(await sut.countRows('sessions', 'id = ?', [one.sid])).toBe(0);
  });

  it('the cookie of an ended session stays worthless, replayed from anywhere', async () => {
    const res = await logIn(sut.agent(), alice.email, alice.password);
    const cookie = sessionCookie(res) as string;
    const userId = await userIdOf(alice);
    const [session] = await sut.sessionsService.list(userId);

    await sut.sessionsService.end(userId, session.handle);

    const replay = await sut.agent().get('/').set('Cookie', cookie);
    expect(replay.status).toBe(303);
  });

  it('does not end a session of another user, whatever handle it is given', async () => {
    const bobs = await signIn(bob);
    const [bobsSession] = await sut.sessionsService.list(await userIdOf(bob));
    await signIn(alice);
    const aliceId = await userIdOf(alice);

    for (const handle of [bobsSession.handle, bobs.sid, '', 'x'.repeat(200), "' OR 1=1 --"]) {
      await expect(sut.sessionsService.end(aliceId, handle)).resolves.toBe(false);
    }

    expect(await signedIn(bobs)).toBe(true);
    await expect(sut.sessionsService.list(aliceId)).resolves.toHaveLength(1);
  });

  it('ends every other session and keeps the current one', async () => {
    const devices = [await signIn(alice), await signIn(alice), await signIn(alice)];
    const bobs = await signIn(bob);
    const userId = await userIdOf(alice);

    await expect(
      sut.sessionsService.endOthers(userId, devices[0].sid, 'other_sessions_ended'),
    ).resolves.toBe(2);

    expect(await Promise.all(devices.map(signedIn))).toEqual([true, false, false]);
    expect(await signedIn(bobs)).toBe(true);
    const sessions = await sut.sessionsService.list(userId, devices[0].sid);
    expect(sessions).toEqual([expect.objectContaining({ current: true })]);
    await expect(
      sut.sessionsService.endOthers(userId, devices[0].sid, 'other_sessions_ended'),
    ).resolves.toBe(0);
  });

  it('ends every session of the user, the current one included', async () => {
    const devices = [await signIn(alice), await signIn(alice)];
    const bobs = await signIn(bob);
    const userId = await userIdOf(alice);

    await expect(sut.sessionsService.endAll(userId, 'not_me')).resolves.toBe(2);

    expect(await Promise.all(devices.map(signedIn))).toEqual([false, false]);
    expect(await signedIn(bobs)).toBe(true);
    await expect(sut.sessionsService.list(userId)).resolves.toEqual([]);
    await expect(sut.sessionsService.endAll(userId, 'not_me')).resolves.toBe(0);
  });

  it('records one session_destroyed, with the count, for the sessions one action ended', async () => {
    await signIn(alice);
    await signIn(alice);
    const userId = await userIdOf(alice);
    const before = sut.logs().length;

    await sut.sessionsService.endAll(userId, 'not_me');

    const destroyed = sut
      .logs()
      .slice(before)
      .filter((line) => line.event === 'session_destroyed');
    expect(destroyed).toEqual([expect.objectContaining({ userId, reason: 'not_me', count: 2 })]);
  });

  it('a browser that signs out and in again has a new session, with a new handle', async () => {
    const device = await signIn(alice);
    const userId = await userIdOf(alice);
    const [first] = await sut.sessionsService.list(userId);
    await signOut(device.agent);

    await logIn(device.agent, alice.email, alice.password);

    const sessions = await sut.sessionsService.list(userId);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].handle).not.toBe(first.handle);
  });
});
