import { ActiveSession, SessionsService } from '../../sessions/sessions.service';
import { SessionsPageService } from './sessions-page.service';

const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

const sessionFactory = (overrides: Partial<ActiveSession> = {}): ActiveSession => ({
  handle: 'h'.repeat(22),
  createdAt: new Date('2026-11-30T13:58:00Z'),
  lastSeenAt: new Date('2026-11-30T14:05:30Z'),
  ip: '198.51.100.7',
  userAgent: FIREFOX_ON_LINUX,
  rememberedUntil: null,
  current: false,
  ...overrides,
});

describe(SessionsPageService.name, () => {
  let sessions: jest.Mocked<Pick<SessionsService, 'list' | 'end' | 'endOthers'>>;
  let sut: SessionsPageService;

  beforeEach(() => {
    sessions = {
      list: jest.fn().mockResolvedValue([]),
      end: jest.fn().mockResolvedValue(true),
      endOthers: jest.fn().mockResolvedValue(0),
    };
    sut = new SessionsPageService(sessions as unknown as SessionsService);
  });

  describe('page', () => {
    it('shows each session with its device, IP and times in UTC; never its id', async () => {
      sessions.list.mockResolvedValue([
        sessionFactory({ rememberedUntil: new Date('2026-12-30T13:58:00Z') }),
      ]);

      const page = await sut.page(7, 'the-sid');

      expect(sessions.list).toHaveBeenCalledWith(7, 'the-sid');
      expect(page).toEqual({
        sessions: [
          {
            handle: 'h'.repeat(22),
            device: 'Firefox 140 on Linux',
            ip: '198.51.100.7',
            signedInAt: { iso: '2026-11-30T13:58:00.000Z', text: '30 Nov 2026, 13:58 UTC' },
            lastActiveAt: { iso: '2026-11-30T14:05:30.000Z', text: '30 Nov 2026, 14:05 UTC' },
            rememberedUntil: { iso: '2026-12-30T13:58:00.000Z', text: '30 Dec 2026, 13:58 UTC' },
            current: false,
          },
        ],
        otherCount: 1,
      });
    });

    it('puts this device first, the others in the order they came', async () => {
      sessions.list.mockResolvedValue([
        sessionFactory({ handle: 'a'.repeat(22) }),
        sessionFactory({ handle: 'b'.repeat(22), current: true }),
        sessionFactory({ handle: 'c'.repeat(22) }),
      ]);

      const page = await sut.page(7, 'the-sid');

      expect(page.sessions.map(({ handle }) => handle[0])).toEqual(['b', 'a', 'c']);
      expect(page.otherCount).toBe(2);
    });

    it('says "Unknown" for a session whose address was never recorded', async () => {
      sessions.list.mockResolvedValue([sessionFactory({ ip: null, userAgent: null })]);

      const [row] = (await sut.page(7, 'the-sid')).sessions;

      expect(row).toMatchObject({ ip: 'Unknown', device: 'Unknown browser' });
    });
  });

  describe('end', () => {
    it('ends another session of the user, and names its device', async () => {
      sessions.list.mockResolvedValue([sessionFactory()]);

      await expect(sut.end(7, 'h'.repeat(22), 'the-sid')).resolves.toEqual({
        outcome: 'ended',
        device: 'Firefox 140 on Linux',
      });
      expect(sessions.end).toHaveBeenCalledWith(7, 'h'.repeat(22));
    });

    it('leaves the current session to the caller', async () => {
      sessions.list.mockResolvedValue([sessionFactory({ current: true })]);

      await expect(sut.end(7, 'h'.repeat(22), 'the-sid')).resolves.toEqual({
        outcome: 'current',
      });
      expect(sessions.end).not.toHaveBeenCalled();
    });

    it('ends nothing for a handle none of the user’s sessions has', async () => {
      sessions.list.mockResolvedValue([sessionFactory()]);

      await expect(sut.end(7, 'x'.repeat(22), 'the-sid')).resolves.toEqual({ outcome: 'none' });
      expect(sessions.end).not.toHaveBeenCalled();
    });

    it('says nothing was ended when the session ended meanwhile', async () => {
      sessions.list.mockResolvedValue([sessionFactory()]);
      sessions.end.mockResolvedValue(false);

      await expect(sut.end(7, 'h'.repeat(22), 'the-sid')).resolves.toEqual({ outcome: 'none' });
    });
  });
});
