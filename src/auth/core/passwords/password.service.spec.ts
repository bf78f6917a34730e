import 'reflect-metadata';
import * as bcrypt from 'bcrypt';
import { loadConfig } from '../../../config/app-config';
import { PasswordService } from './password.service';

// `jest.spyOn(bcrypt, 'compare')` is impossible: the namespace import exposes bcrypt's exports
// as getters that cannot be redefined. The real bcrypt still runs, behind a recording jest.fn.
jest.mock('bcrypt', () => {
  const actual = jest.requireActual<typeof import('bcrypt')>('bcrypt');
  return {
    ...actual,
    compare: jest.fn((data: string, hash: string) => actual.compare(data, hash)),
  };
});

describe(PasswordService.name, () => {
  let sut: PasswordService;
  const compare = jest.mocked(bcrypt.compare);

  beforeAll(async () => {
    sut = new PasswordService(loadConfig({ BCRYPT_COST: '4' }));
    await sut.onModuleInit();
  });

  beforeEach(() => {
    compare.mockClear();
  });

  it('hashes with bcrypt at the configured cost, never storing the password itself', async () => {
    const hash = await sut.hash('correct horse battery');

    expect(bcrypt.getRounds(hash)).toBe(4);
    expect(hash).not.toContain('correct horse battery');
  });

  it('verifies the password it hashed', async () => {
    const hash = await sut.hash('correct horse battery');

    await expect(sut.verify('correct horse battery', hash)).resolves.toBe(true);
  });

  it('refuses a wrong password', async () => {
    const hash = await sut.hash('correct horse battery');

    await expect(sut.verify('correct horse battery!', hash)).resolves.toBe(false);
  });

  it('refuses any password when there is no hash (unknown email), after one bcrypt comparison', async () => {
    await expect(sut.verify('correct horse battery', undefined)).resolves.toBe(false);

    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare).toHaveBeenCalledWith('correct horse battery', expect.stringMatching(/^\$2/));
  });

  it('runs exactly one bcrypt comparison for a known email too', async () => {
    const hash = await sut.hash('correct horse battery');

    await sut.verify('wrong password', hash);

    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('refuses a password over 72 bytes even when its first 72 bytes match', async () => {
    const stored = 'a'.repeat(72);
    const hash = await sut.hash(stored);

    await expect(sut.verify(`${stored}tail`, hash)).resolves.toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
  });

  describe('needsRehash', () => {
    // Configured one step above the cheapest cost, so that a weaker hash exists to be found.
    const hashAtCost = (cost: number) => bcrypt.hash('correct horse battery', cost);
    let sut: PasswordService;

    beforeAll(() => {
      sut = new PasswordService(loadConfig({ BCRYPT_COST: '5' }));
    });

    it('asks for a new hash when the stored one was made at a lower cost', async () => {
      expect(sut.needsRehash(await hashAtCost(4))).toBe(true);
    });

    it('keeps a hash made at the configured cost', async () => {
      expect(sut.needsRehash(await hashAtCost(5))).toBe(false);
    });

    it('keeps a hash made at a higher cost', async () => {
      expect(sut.needsRehash(await hashAtCost(6))).toBe(false);
    });
  });
});
