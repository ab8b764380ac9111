import { randomBytes, scryptSync } from 'node:crypto';
import type { AppConfig, UserConfig } from '@app/config';
import { ScryptGate } from '@app/registry';
import { PasswordCheck } from './password.check';

/** A cheap hash in the client-secret format (ln=10 keeps the spec fast). */
function scryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  return `$scrypt$ln=10,r=8,p=1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const user = (username: string, password: UserConfig['password']): UserConfig => ({
  username,
  subject: `sub-${username}`,
  password,
  claims: {},
});

describe('PasswordCheck', () => {
  const users = [
    user('alice', { kind: 'plain', value: 'alice-password-0123' }),
    user('carol', { kind: 'hash', value: scryptHash('carol-password-0123') }),
  ];
  const sut = new PasswordCheck(
    { registry: { users }, scryptConcurrency: 2 } as unknown as AppConfig,
    new ScryptGate(2),
  );
  let scrypts: jest.SpyInstance;

  beforeEach(() => (scrypts = jest.spyOn(ScryptGate.prototype, 'run')));
  afterEach(() => scrypts.mockRestore());

  it('finds the user of a right password, plain or hashed, whatever the case of the username', async () => {
    await expect(sut.verify('alice', 'alice-password-0123')).resolves.toBe(users[0]);
    await expect(sut.verify('Alice', 'alice-password-0123')).resolves.toBe(users[0]);
    await expect(sut.verify('CAROL', 'carol-password-0123')).resolves.toBe(users[1]);
  });

  it('refuses a wrong password and an unknown username alike', async () => {
    await expect(sut.verify('alice', 'alice-password-0124')).resolves.toBeUndefined();
    await expect(sut.verify('carol', 'alice-password-0123')).resolves.toBeUndefined();
    await expect(sut.verify('mallory', 'alice-password-0123')).resolves.toBeUndefined();
    await expect(sut.verify('alice', '')).resolves.toBeUndefined();
  });

  it('pays one scrypt for every refusal, so that an unknown username costs what a known one does', async () => {
    for (const [username, password] of [
      ['mallory', 'whatever-password-1'],
      ['alice', 'wrong-password-00000'],
      ['carol', 'wrong-password-00000'],
    ]) {
      scrypts.mockClear();
      await sut.verify(username!, password!);
      expect(scrypts).toHaveBeenCalledTimes(1);
    }
  });

  it('checks unknown usernames against a hash with the users’ scrypt parameters', async () => {
    /** The fastest of a few runs: noise only ever adds time. */
    const fastest = async (username: string) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const start = process.hrtime.bigint();
        await sut.verify(username, 'wrong-password-00000');
        best = Math.min(best, Number(process.hrtime.bigint() - start));
      }
      return best;
    };
    const known = await fastest('carol');
    // With the default parameters (ln=14) the dummy check would take ~16 times the ln=10 one.
    expect(await fastest('nobody')).toBeLessThan(known * 4);
  });
});
