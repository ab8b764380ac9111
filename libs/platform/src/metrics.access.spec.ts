import { InvalidBearerToken } from '@app/oauth';
import { MetricsAccess } from './metrics.access';

const TOKEN = 'metrics-token-0123456789abcdef-0123456789';

describe('MetricsAccess', () => {
  it('lets every request read when no token is configured', () => {
    expect(() => new MetricsAccess(undefined).check(undefined)).not.toThrow();
  });

  it('lets the scraper presenting the token read, whatever the case of the scheme', () => {
    const sut = new MetricsAccess(TOKEN);
    expect(() => sut.check(`Bearer ${TOKEN}`)).not.toThrow();
    expect(() => sut.check(`bearer ${TOKEN}`)).not.toThrow();
  });

  it('answers a request without credentials with the bare challenge (RFC 6750 §3.1)', () => {
    const e = catchError(() => new MetricsAccess(TOKEN).check(undefined));
    expect(e).toBeInstanceOf(InvalidBearerToken);
    expect(e).toMatchObject({ status: 401, error: 'invalid_token' });
    expect((e as InvalidBearerToken).headers).toEqual({
      'www-authenticate': 'Bearer realm="metrics"',
    });
  });

  it.each([
    ['another token', `Bearer ${TOKEN.replace('0', '1')}`],
    ['a longer token', `Bearer ${TOKEN}0`],
    ['another scheme', `Basic ${TOKEN}`],
    ['no token', 'Bearer '],
  ])('refuses %s with invalid_token', (_case, authorization) => {
    const e = catchError(() => new MetricsAccess(TOKEN).check(authorization));
    expect(e).toBeInstanceOf(InvalidBearerToken);
    expect((e as InvalidBearerToken).headers['www-authenticate']).toBe(
      'Bearer realm="metrics", error="invalid_token"',
    );
  });
});

function catchError(f: () => void): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
