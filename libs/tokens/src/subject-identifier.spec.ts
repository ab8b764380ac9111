import { createHash } from 'node:crypto';
import { pairwiseSubject, sectorIdentifier, subjectIdentifier } from './subject-identifier';

const SALT = 'salt-for-tests-only-0123456789abcdef';

describe('pairwiseSubject (OpenID Connect Core §8.1)', () => {
  it('is stable: the value every deployment has handed out must never change', () => {
    // Pinned: a change of the construction would change every user's sub at every client.
    expect(pairwiseSubject('app.example.com', 'alice', SALT)).toBe(
      'qMlCk_8_PEPJeprFSQn2aESvCkpAyMxkfjDq4BLk2GA',
    );
    expect(pairwiseSubject('app.example.com', 'alice', SALT)).toBe(
      pairwiseSubject('app.example.com', 'alice', SALT),
    );
  });

  it('is a base64url SHA-256 digest that does not contain the local subject', () => {
    const sut = pairwiseSubject('app.example.com', 'alice', SALT);
    expect(sut).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sut).not.toContain('alice');
  });

  it('differs per sector, so clients of two sectors cannot link the user', () => {
    const a = pairwiseSubject('app.example.com', 'alice', SALT);
    const b = pairwiseSubject('other.example.org', 'alice', SALT);
    expect(a).not.toBe(b);
  });

  it('differs per user within a sector, and per salt', () => {
    const alice = pairwiseSubject('app.example.com', 'alice', SALT);
    expect(pairwiseSubject('app.example.com', 'bob', SALT)).not.toBe(alice);
    expect(pairwiseSubject('app.example.com', 'alice', `${SALT}-2`)).not.toBe(alice);
  });

  it('keeps the parts apart: moving characters between sector and subject changes the value', () => {
    expect(pairwiseSubject('a.example', 'bob', SALT)).not.toBe(
      pairwiseSubject('a.exampl', 'ebob', SALT),
    );
    expect(pairwiseSubject('a.example', 'bob', SALT)).not.toBe(
      pairwiseSubject('a.example', 'bo', `b${SALT}`),
    );
  });

  it('cannot be recomputed without the salt (plain SHA-256 of the parts is something else)', () => {
    const unsalted = createHash('sha256').update('app.example.comalice').digest('base64url');
    expect(pairwiseSubject('app.example.com', 'alice', SALT)).not.toBe(unsalted);
  });

  it('refuses a short salt, and empty parts', () => {
    expect(() => pairwiseSubject('app.example.com', 'alice', 'short')).toThrow('at least 32');
    expect(() => pairwiseSubject('', 'alice', SALT)).toThrow('sector identifier');
    expect(() => pairwiseSubject('app.example.com', '', SALT)).toThrow('local subject');
  });
});

describe('subjectIdentifier', () => {
  it('public: the local subject itself, for every client', () => {
    expect(subjectIdentifier('alice', { type: 'public' })).toBe('alice');
  });

  it('pairwise: the sector-specific identifier', () => {
    expect(
      subjectIdentifier('alice', {
        type: 'pairwise',
        sectorIdentifier: 'app.example.com',
        salt: SALT,
      }),
    ).toBe(pairwiseSubject('app.example.com', 'alice', SALT));
  });
});

describe('sectorIdentifier (OpenID Connect Core §8.1)', () => {
  it('is the host of the redirect URIs, whatever their paths, ports or case', () => {
    expect(
      sectorIdentifier([
        'https://App.Example.com/callback',
        'https://app.example.com:8443/other?x=1',
      ]),
    ).toBe('app.example.com');
  });

  it('two clients on one host share a sector (and so a pairwise sub)', () => {
    expect(sectorIdentifier(['https://app.example.com/a'])).toBe(
      sectorIdentifier(['https://app.example.com/b']),
    );
  });

  it('is a loopback address for a native app', () => {
    expect(sectorIdentifier(['http://127.0.0.1/callback'])).toBe('127.0.0.1');
  });

  it('refuses redirect URIs on several hosts (a sector_identifier_uri would be needed)', () => {
    expect(() =>
      sectorIdentifier(['https://app.example.com/cb', 'https://app.example.org/cb']),
    ).toThrow('one host');
  });

  it('refuses no redirect URI, a relative one and one without a host', () => {
    expect(() => sectorIdentifier([])).toThrow('needs redirect_uris');
    expect(() => sectorIdentifier(['/callback'])).toThrow('absolute');
    expect(() => sectorIdentifier(['com.example.app:/callback'])).toThrow('with a host');
  });
});
