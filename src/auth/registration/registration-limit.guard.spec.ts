import 'reflect-metadata';
import { ExecutionContext, HttpStatus } from '@nestjs/common';
import type { Request } from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { TooManyAttemptsException } from '../../web/too-many-attempts.exception';
import { AppConfig, loadConfig } from '../../config/app-config';
import { dataSourceOptions } from '../../infra/database/data-source-options';
import { AuditLog } from '../../observability/audit-log';
import { RateLimit } from '../../rate-limits/rate-limit.entity';
import { SqlCounterStore } from '../../rate-limits/sql-counter.store';
import { RegistrationLimitGuard } from './registration-limit.guard';

/** The execution context of a registration request from `ip`. */
const contextFactory = (ip: string): ExecutionContext =>
  ({
    switchToHttp: () => ({ getRequest: () => ({ ip }) as Request }),
  }) as ExecutionContext;

describe(RegistrationLimitGuard.name, () => {
  let dir: string;
  let dataSource: DataSource;
  let counters: SqlCounterStore;
  let config: AppConfig;
  let audit: jest.Mocked<Pick<AuditLog, 'record'>>;
  let sut: RegistrationLimitGuard;
  let lastIp = 0;

  /** A fresh client IP for each test, so that tests share the database but no counters. */
  const newIp = () => `198.51.100.${++lastIp}`;
  const allowTimes = async (times: number, ip: string) => {
    for (let i = 0; i < times; i++) {
      await expect(sut.canActivate(contextFactory(ip))).resolves.toBe(true);
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'registration-limit-'));
    config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'test.db')}`,
      THROTTLE_REGISTER_PER_HOUR: '3',
    });
    dataSource = new DataSource(dataSourceOptions(config, [RateLimit]));
    await dataSource.initialize();
    await dataSource.runMigrations();
    counters = new SqlCounterStore(dataSource.getRepository(RateLimit));
  });

  beforeEach(() => {
    audit = { record: jest.fn() };
    sut = new RegistrationLimitGuard(counters, config, audit as unknown as AuditLog);
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('allows THROTTLE_REGISTER_PER_HOUR registrations from one IP', async () => {
    await allowTimes(config.limits.registrationsPerHour, newIp());

    expect(audit.record).not.toHaveBeenCalled();
  });

  it('refuses the next one with a 429 that says when to try again, and records it', async () => {
    const ip = newIp();
    await allowTimes(config.limits.registrationsPerHour, ip);

    const refusal = await sut.canActivate(contextFactory(ip)).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(refusal).toBeInstanceOf(TooManyAttemptsException);
    const error = refusal as TooManyAttemptsException;
    expect(error.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60 * 60);
    expect(error.message).toMatch(/^Too many registrations.* try again in \d+ minutes\.$/);
    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith('authn_throttled', {
      reason: 'registrations_per_ip',
    });
  });

  it('keeps refusing that IP while still allowing others', async () => {
    const [busy, other] = [newIp(), newIp()];
    await allowTimes(config.limits.registrationsPerHour, busy);

    await expect(sut.canActivate(contextFactory(busy))).rejects.toBeInstanceOf(
      TooManyAttemptsException,
    );
    await expect(sut.canActivate(contextFactory(busy))).rejects.toBeInstanceOf(
      TooManyAttemptsException,
    );
    await allowTimes(config.limits.registrationsPerHour, other);
  });

  it('counts an IPv6 client by its /64: changing address within it gets no more', async () => {
    const prefix = `2001:db8:${++lastIp}:1`;
    const limit = config.limits.registrationsPerHour;
    for (let i = 1; i <= limit; i++) {
      await allowTimes(1, `${prefix}::${i}`);
    }

    await expect(sut.canActivate(contextFactory(`${prefix}:ffff::1`))).rejects.toBeInstanceOf(
      TooManyAttemptsException,
    );
    await allowTimes(1, `2001:db8:${lastIp}:2::1`);
  });
});
