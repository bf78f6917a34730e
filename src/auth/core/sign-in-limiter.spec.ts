import 'reflect-metadata';
import { HttpStatus } from '@nestjs/common';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';
import { AppConfig, loadConfig } from '../../config/app-config';
import { AuditLog } from '../../observability/audit-log';
import { Count, CounterStore } from '../../rate-limits/counter.store';
import { SignInLimiter } from './sign-in-limiter';

const MINUTE = 60 * 1000;
const NOW = new Date('2030-01-01T12:00:00Z').getTime();
const EMAIL = 'alice@example.com';
const IP = '203.0.113.7';

/** CounterStore's contract in memory, on Date.now(), so that the tests can move the clock. */
class MemoryCounterStore extends CounterStore {
  private readonly counters = new Map<string, Count>();

  hit(name: string, windowMs: number, mode: 'fixed' | 'sliding'): Promise<Count> {
    const now = Date.now();
    const current = this.counters.get(name);
    const next: Count =
      !current || current.resetAt <= now
        ? { count: 1, resetAt: now + windowMs }
        : {
            count: current.count + 1,
            resetAt: mode === 'sliding' ? now + windowMs : current.resetAt,
          };
    this.counters.set(name, next);
    return Promise.resolve({ ...next });
  }

  peek(name: string): Promise<Count | undefined> {
    const current = this.counters.get(name);
    return Promise.resolve(current && current.resetAt > Date.now() ? { ...current } : undefined);
  }

  reset(name: string): Promise<void> {
    this.counters.delete(name);
    return Promise.resolve();
  }
}

const configFactory = (overrides: NodeJS.ProcessEnv = {}): AppConfig =>
  loadConfig({
    THROTTLE_LOGIN_PER_MINUTE: '3',
    THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: '1000',
    LOCKOUT_THRESHOLD: '10',
    LOCKOUT_MINUTES: '15',
    ...overrides,
  });

/** The error `promise` rejects with, or undefined when it resolves. */
const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe(SignInLimiter.name, () => {
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;
  let sut: SignInLimiter;
  let lastIp = 0;

  const { loginAttemptsPerMinute, lockoutThreshold, lockoutMs } = configFactory().limits;

  /** A client IP no earlier attempt came from, so that only the per-account limit applies. */
  const newIp = () => `198.51.100.${++lastIp}`;
  const admitTimes = async (times: number, email = EMAIL, ip = IP) => {
    for (let i = 0; i < times; i++) {
      await sut.admit(email, ip);
    }
  };
  /** `times` sign-in attempts for `email` without a success, each from a different IP. */
  const attemptFromManyIps = async (times: number, email = EMAIL) => {
    for (let i = 0; i < times; i++) {
      await sut.admit(email, newIp());
    }
  };
  /** Locks `email`: LOCKOUT_THRESHOLD attempts without a success, then one more. */
  const lockAccount = async (email = EMAIL) => {
    await attemptFromManyIps(lockoutThreshold, email);
    await expect(sut.admit(email, newIp())).rejects.toThrow(/locked/);
  };
  const eventsRecorded = (event: string) =>
    audit.record.mock.calls.filter(([recorded]) => recorded === event);

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    lastIp = 0;
    audit = { record: jest.fn() };
    sut = new SignInLimiter(
      new MemoryCounterStore(),
      configFactory(),
      audit as unknown as AuditLog,
    );
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('per client network', () => {
    const networkLimit = 20;
    beforeEach(() => {
      sut = new SignInLimiter(
        new MemoryCounterStore(),
        configFactory({ THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE: String(networkLimit) }),
        audit as unknown as AuditLog,
      );
    });

    it('admits THROTTLE_LOGIN_PER_NETWORK_PER_MINUTE attempts for as many emails, then refuses any', async () => {
      for (let i = 0; i < networkLimit; i++) {
        await sut.admit(`person${i}@example.com`, IP);
      }

      const refusal = await refusalOf(sut.admit('someone-new@example.com', IP));
      expect(refusal).toBeInstanceOf(TooManyAttemptsException);
      expect((refusal as Error).message).toMatch(/^Too many sign-ins from your network\./);
      expect(eventsRecorded('authn_throttled').at(-1)?.[1]).toMatchObject({
        reason: 'network_attempts',
      });
    });

    it('counts an IPv6 client by its /64, and admits another network', async () => {
      for (let i = 0; i < networkLimit; i++) {
        await sut.admit(`person${i}@example.com`, `2001:db8:1:2::${i + 1}`);
      }

      await expect(sut.admit(EMAIL, '2001:db8:1:2:ffff::1')).rejects.toBeInstanceOf(
        TooManyAttemptsException,
      );
      await expect(sut.admit(EMAIL, '2001:db8:1:3::1')).resolves.toBeUndefined();
    });

    it('admits again once the minute has passed', async () => {
      for (let i = 0; i < networkLimit; i++) {
        await sut.admit(`person${i}@example.com`, IP);
      }
      await expect(sut.admit(EMAIL, IP)).rejects.toBeInstanceOf(TooManyAttemptsException);

      jest.advanceTimersByTime(60 * 1000);

      await expect(sut.admit(EMAIL, IP)).resolves.toBeUndefined();
    });
  });

  describe('per email and IP', () => {
    it('admits THROTTLE_LOGIN_PER_MINUTE attempts in a minute', async () => {
      await expect(admitTimes(loginAttemptsPerMinute)).resolves.toBeUndefined();
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('refuses the next one with a 429 that says when to try again', async () => {
      await admitTimes(loginAttemptsPerMinute);
      jest.setSystemTime(NOW + 20_000);

      const refusal = await refusalOf(sut.admit(EMAIL, IP));

      expect(refusal).toBeInstanceOf(TooManyAttemptsException);
      const error = refusal as TooManyAttemptsException;
      expect(error.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
      expect(error.retryAfterSeconds).toBe(40);
      expect(error.message).toBe('Too many failed sign-ins. Please try again in 40 seconds.');
    });

    it('records authn_throttled for the refused attempt', async () => {
      await admitTimes(loginAttemptsPerMinute);

      await refusalOf(sut.admit(EMAIL, IP));

      expect(audit.record).toHaveBeenCalledTimes(1);
      expect(audit.record).toHaveBeenCalledWith('authn_throttled', {
        email: EMAIL,
        reason: 'too_many_attempts',
      });
    });

    it('still admits the same email from another IP, and another email from the same IP', async () => {
      await admitTimes(loginAttemptsPerMinute);
      await expect(sut.admit(EMAIL, IP)).rejects.toBeInstanceOf(TooManyAttemptsException);

      await expect(sut.admit(EMAIL, newIp())).resolves.toBeUndefined();
      await expect(sut.admit('bob@example.com', IP)).resolves.toBeUndefined();
    });

    it('admits again once the minute has passed', async () => {
      await admitTimes(loginAttemptsPerMinute);
      await expect(sut.admit(EMAIL, IP)).rejects.toBeInstanceOf(TooManyAttemptsException);

      jest.setSystemTime(NOW + MINUTE);

      await expect(admitTimes(loginAttemptsPerMinute)).resolves.toBeUndefined();
    });

    it('starts counting again after a successful sign-in', async () => {
      await admitTimes(loginAttemptsPerMinute);

      await sut.recordSuccess(EMAIL, IP);

      await expect(admitTimes(loginAttemptsPerMinute)).resolves.toBeUndefined();
    });
  });

  describe('per account', () => {
    it('admits LOCKOUT_THRESHOLD attempts without a success, from many IPs', async () => {
      await expect(attemptFromManyIps(lockoutThreshold)).resolves.toBeUndefined();

      expect(audit.record).not.toHaveBeenCalled();
    });

    it('refuses the next attempt from every IP, before any password is checked', async () => {
      await attemptFromManyIps(lockoutThreshold);

      for (const ip of [newIp(), IP, '2001:db8::1']) {
        const refusal = await refusalOf(sut.admit(EMAIL, ip));
        expect(refusal).toBeInstanceOf(TooManyAttemptsException);
        expect((refusal as TooManyAttemptsException).getStatus()).toBe(
          HttpStatus.TOO_MANY_REQUESTS,
        );
        expect((refusal as TooManyAttemptsException).message).toMatch(
          /^This account is locked after too many failed sign-ins\./,
        );
      }
      expect(eventsRecorded('authn_throttled')).toEqual([
        ['authn_throttled', { email: EMAIL, reason: 'account_locked' }],
        ['authn_throttled', { email: EMAIL, reason: 'account_locked' }],
        ['authn_throttled', { email: EMAIL, reason: 'account_locked' }],
      ]);
    });

    it('says the lock lasts LOCKOUT_MINUTES', async () => {
      await attemptFromManyIps(lockoutThreshold);

      const refusal = (await refusalOf(sut.admit(EMAIL, IP))) as TooManyAttemptsException;

      expect(refusal.retryAfterSeconds).toBe(lockoutMs / 1000);
      expect(refusal.message).toMatch(/try again in 15 minutes\.$/);
    });

    it('records authn_login_lock once, when the account locks', async () => {
      await attemptFromManyIps(lockoutThreshold);
      expect(eventsRecorded('authn_login_lock')).toHaveLength(0);

      await refusalOf(sut.admit(EMAIL, newIp()));
      await refusalOf(sut.admit(EMAIL, newIp()));
      await refusalOf(sut.admit(EMAIL, IP));

      expect(eventsRecorded('authn_login_lock')).toEqual([['authn_login_lock', { email: EMAIL }]]);
    });

    it('admits at most LOCKOUT_THRESHOLD of many attempts sent at once', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: lockoutThreshold + 5 }, () => sut.admit(EMAIL, newIp())),
      );

      const refused = results.filter((result) => result.status === 'rejected');
      expect(results.length - refused.length).toBeLessThanOrEqual(lockoutThreshold);
      for (const { reason } of refused) {
        expect(reason).toBeInstanceOf(TooManyAttemptsException);
      }
      await expect(sut.admit(EMAIL, newIp())).rejects.toThrow(/locked/);
    });

    it('keeps the lock when a sign-in admitted before it turns out to succeed', async () => {
      const earlyIp = newIp();
      await sut.admit(EMAIL, earlyIp);
      await attemptFromManyIps(lockoutThreshold - 1);
      await expect(sut.admit(EMAIL, newIp())).rejects.toThrow(/locked/);

      await sut.recordSuccess(EMAIL, earlyIp);

      await expect(sut.admit(EMAIL, earlyIp)).rejects.toThrow(/locked/);
    });

    it('locks only that account', async () => {
      await lockAccount();

      await expect(sut.admit('bob@example.com', IP)).resolves.toBeUndefined();
    });

    it('does not count attempts refused by the per-IP limit', async () => {
      await admitTimes(loginAttemptsPerMinute);
      for (let i = 0; i < lockoutThreshold; i++) {
        await expect(sut.admit(EMAIL, IP)).rejects.toThrow(/^Too many failed sign-ins/);
      }

      await expect(
        attemptFromManyIps(lockoutThreshold - loginAttemptsPerMinute),
      ).resolves.toBeUndefined();
      await expect(sut.admit(EMAIL, newIp())).rejects.toThrow(/locked/);
    });

    it('admits again once LOCKOUT_MINUTES have passed, however often it was refused', async () => {
      await lockAccount();
      jest.setSystemTime(NOW + lockoutMs - 1000);
      await expect(sut.admit(EMAIL, newIp())).rejects.toThrow(/locked/);

      jest.setSystemTime(NOW + lockoutMs);

      await expect(sut.admit(EMAIL, newIp())).resolves.toBeUndefined();
    });

    it('needs LOCKOUT_THRESHOLD new attempts to lock again after a lock ends', async () => {
      await lockAccount();
      jest.setSystemTime(NOW + lockoutMs);

      await expect(attemptFromManyIps(lockoutThreshold)).resolves.toBeUndefined();
      await expect(sut.admit(EMAIL, newIp())).rejects.toThrow(/locked/);
    });

    it('starts the count again after a success before the threshold', async () => {
      await attemptFromManyIps(lockoutThreshold);

      await sut.recordSuccess(EMAIL, newIp());

      await expect(attemptFromManyIps(lockoutThreshold)).resolves.toBeUndefined();
      await expect(sut.admit(EMAIL, newIp())).rejects.toThrow(/locked/);
    });

    it('adds up attempts less than LOCKOUT_MINUTES apart, however long the run', async () => {
      const gap = lockoutMs / 2;
      for (let i = 0; i < lockoutThreshold; i++) {
        jest.setSystemTime(NOW + i * gap);
        await sut.admit(EMAIL, newIp());
      }
      jest.setSystemTime(NOW + lockoutThreshold * gap);

      await expect(sut.admit(EMAIL, newIp())).rejects.toThrow(/locked/);
    });

    it('does not add up attempts LOCKOUT_MINUTES or more apart', async () => {
      await attemptFromManyIps(lockoutThreshold);
      jest.setSystemTime(NOW + lockoutMs);

      await expect(attemptFromManyIps(lockoutThreshold)).resolves.toBeUndefined();
      await expect(sut.admit(EMAIL, newIp())).rejects.toThrow(/locked/);
    });
  });

  it('uses the configured limits', async () => {
    sut = new SignInLimiter(
      new MemoryCounterStore(),
      configFactory({ THROTTLE_LOGIN_PER_MINUTE: '1', LOCKOUT_THRESHOLD: '2' }),
      audit as unknown as AuditLog,
    );

    await sut.admit(EMAIL, IP);
    await expect(sut.admit(EMAIL, IP)).rejects.toThrow(/^Too many failed sign-ins/);
    await attemptFromManyIps(2, 'bob@example.com');
    await expect(sut.admit('bob@example.com', newIp())).rejects.toThrow(/locked/);
  });
});
