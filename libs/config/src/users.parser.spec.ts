import { RegistryFileOptions, parseRegistryFile } from './registry-file.parser';

const HASH = '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5';
const PASSWORD = 'alice-dev-password';
const alice = {
  username: 'alice',
  password: PASSWORD,
  claims: { name: 'Alice Example', email: 'alice@example.com', email_verified: true },
};

const parse = (users: unknown, options?: RegistryFileOptions) =>
  parseRegistryFile({ resources: [], clients: [], users }, options).users;

/** The refusal's message, or 'accepted'. */
const refusal = (users: unknown, options?: RegistryFileOptions): string => {
  try {
    parse(users, options);
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
};
const withClaims = (claims: unknown) => [{ ...alice, claims }];

describe('users (the reference login app)', () => {
  it('is optional: a file without users has none', () => {
    expect(parseRegistryFile({ resources: [], clients: [] }).users).toEqual([]);
  });

  it('reads a user: the username is the subject unless one is given', () => {
    const bob = { username: 'bob', password_hash: HASH, subject: 'u-0042' };
    expect(parse([alice, bob])).toEqual([
      {
        username: 'alice',
        subject: 'alice',
        password: { kind: 'plain', value: PASSWORD },
        claims: alice.claims,
      },
      { username: 'bob', subject: 'u-0042', password: { kind: 'hash', value: HASH }, claims: {} },
    ]);
  });

  it.each(['a', 'alice.example', 'alice_1', 'alice+test@example.com', 'Z-9', 'a'.repeat(128)])(
    'accepts the username %s',
    (username) => {
      expect(parse([{ ...alice, username }])[0]!.username).toBe(username);
    },
  );

  it.each([
    [{}, 'users: must be an array'],
    [['alice'], 'users[0]: must be an object'],
    [[{ ...alice, username: undefined }], 'users[0].username: must be a non-empty string'],
    [[{ ...alice, username: 7 }], 'users[0].username: must be a non-empty string'],
    [[{ ...alice, username: 'al ice' }], 'users[0].username: must be 1 to 128 ASCII letters'],
    [[{ ...alice, username: '-alice' }], 'users[0].username: must be 1 to 128 ASCII letters'],
    [[{ ...alice, username: 'älice' }], 'users[0].username: must be 1 to 128 ASCII letters'],
    [[{ ...alice, username: 'a<b>' }], 'users[0].username: must be 1 to 128 ASCII letters'],
    [[{ ...alice, username: 'a'.repeat(129) }], 'users[0].username: must be 1 to 128 ASCII'],
    [[alice, { ...alice, username: 'Alice' }], 'users[1].username: repeats the username'],
    [[alice, { ...alice, username: 'bob', subject: 'alice' }], 'users[1].subject: repeats'],
    [[{ ...alice, subject: 'has space' }], 'users[0].subject: must be 1 to 255 printable ASCII'],
    [[{ ...alice, subject: 's'.repeat(256) }], 'users[0].subject: must be 1 to 255 printable'],
    [[{ ...alice, subject: '' }], 'users[0].subject: must be 1 to 255 printable ASCII'],
    [[{ ...alice, password_hash: HASH }], 'users[0]: give exactly one of password or password_'],
    [[{ ...alice, password: undefined }], 'users[0]: give exactly one of password or password_'],
    [[{ ...alice, password: 42 }], 'users[0].password: must be a non-empty string'],
    [[{ ...alice, password: 'fourteen-chars' }], 'users[0].password: must be at least 15'],
    [
      [{ ...alice, password: undefined, password_hash: 'plain-text' }],
      'users[0].password_hash: must be "$scrypt$ln=N,r=R,p=P$salt$hash"',
    ],
  ])('refuses a bad user, naming the field %#', (users, message) => {
    expect(refusal(users)).toContain(`Invalid configuration: ${message}`);
  });

  it('counts password length in characters, not UTF-16 units', () => {
    expect(parse([{ ...alice, password: 'é'.repeat(15) }])[0]!.password.value).toBe('é'.repeat(15));
    // 14 characters that are 28 UTF-16 code units.
    expect(refusal([{ ...alice, password: '🔑'.repeat(14) }])).toContain(
      'users[0].password: must be at least 15 characters',
    );
  });

  it('refuses plain passwords in production, naming the field, never the password', () => {
    const message = refusal([alice], { plainSecrets: false });
    expect(message).toBe(
      'Invalid configuration: users[0].password: plain-text passwords are refused when ' +
        'NODE_ENV=production: give password_hash (make one with `npm run hash-secret`)',
    );
    const hashed = { ...alice, password: undefined, password_hash: HASH };
    expect(parse([hashed], { plainSecrets: false })[0]!.password).toEqual({
      kind: 'hash',
      value: HASH,
    });
  });

  it.each([
    [{ ...alice, password: 'short-secret' }],
    [{ ...alice, password: undefined, password_hash: '$scrypt$short-secret' }],
  ])('never quotes a password or a hash it refuses %#', (user) => {
    expect(refusal([user])).toContain('users[0].password');
    expect(refusal([user])).not.toContain('short-secret');
  });

  describe('claims', () => {
    it('takes the standard claims with their OIDC Core §5.1 types and any claim of its own', () => {
      const claims = {
        name: 'Alice Example',
        given_name: 'Alice',
        email: 'alice@example.com',
        email_verified: false,
        phone_number: '+1 555 0100',
        phone_number_verified: true,
        birthdate: '1990-04-01',
        updated_at: 1_700_000_000,
        address: { street_address: '1 Main St', locality: 'Springfield', country: 'US' },
        groups: ['admin', 'ops'],
        tenant: { id: 7, region: 'eu' },
        level: 3,
      };
      expect(parse(withClaims(claims))[0]!.claims).toEqual(claims);
      expect(parse(withClaims({ birthdate: '1990' }))[0]!.claims).toEqual({ birthdate: '1990' });
    });

    it.each([
      ['sub', 'the subject is the user\'s "subject"', { sub: 'someone-else' }, 'sub'],
      ['iss', 'is set by the server in each token', { iss: 'https://evil.example' }, 'iss'],
      ['nonce', 'is set by the server in each token', { nonce: 'n' }, 'nonce'],
      ['acr', 'is set by the server in each token', { acr: 'urn:mace:incommon:iap:silver' }, 'acr'],
      ['null', 'omit a claim the user does not have', { nickname: null }, 'nickname'],
      ['custom null', 'omit a claim the user does not have', { tenant: null }, 'tenant'],
      ['empty name', 'must be a non-empty string', { name: '' }, 'name'],
      ['number name', 'must be a non-empty string', { name: 7 }, 'name'],
      ['email', 'must be an e-mail address', { email: 'not-an-address' }, 'email'],
      ['email type', 'must be a non-empty string', { email: ['a@example.com'] }, 'email'],
      ['email_verified', 'must be true or false', { email_verified: 'true' }, 'email_verified'],
      [
        'phone_number_verified',
        'must be true or false',
        { phone_number_verified: 1 },
        'phone_number_verified',
      ],
      ['birthdate', 'must be YYYY-MM-DD or YYYY', { birthdate: '01/04/1990' }, 'birthdate'],
      ['updated_at', 'must be seconds since the epoch', { updated_at: '2024-01-01' }, 'updated_at'],
      ['updated_at sign', 'must be seconds since the epoch', { updated_at: -1 }, 'updated_at'],
      ['address', 'must be an object', { address: '1 Main St' }, 'address'],
      ['address member', 'is not an address member', { address: { city: 'x' } }, 'address.city'],
      [
        'address type',
        'must be a non-empty string',
        { address: { country: 1 } },
        'address.country',
      ],
    ])('refuses %s, naming the claim', (_, reason, claims, field) => {
      expect(refusal(withClaims(claims))).toContain(
        `Invalid configuration: users[0].claims.${field}: ${reason}`,
      );
    });

    it('must be an object with named claims', () => {
      expect(refusal(withClaims(['name']))).toContain('users[0].claims: must be an object');
      expect(refusal(withClaims({ '': 'x' }))).toContain(
        'users[0].claims: a claim name must be non-empty',
      );
    });

    it('never quotes a claim value it refuses', () => {
      expect(refusal(withClaims({ email: 'private-value' }))).not.toContain('private-value');
    });
  });
});
