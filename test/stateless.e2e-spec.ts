import { sendAnonymousTraffic } from './helpers/anonymous-traffic';
import { logIn, register } from './helpers/forms';
import { startTestApp, TestApp } from './helpers/test-app';

/** Every column of every session, in one order: "exactly as it was" is compared on this. */
const snapshot = (sut: TestApp) => sut.sql<unknown[]>('SELECT * FROM sessions ORDER BY id');

describe('Signed-out visitors cost no server state', () => {
  let sut: TestApp;
  let base: string;

  beforeAll(async () => {
    sut = await startTestApp();
    base = await sut.listen();
  });

  afterAll(() => sut.cleanup());

  it('10,000 anonymous pages, refused forms, failed sign-ins and reset requests leave the sessions as they were', async () => {
    // One signed-in person, so that "as it was" is not merely "empty".
    const account = await register(sut.agent());
    await logIn(sut.agent(), account.email, account.password);
    const before = await snapshot(sut);
    expect(before).toHaveLength(1);

    await sendAnonymousTraffic(base, 10_000, account.email);

    expect(await snapshot(sut)).toEqual(before);
  }, 600_000);
});
