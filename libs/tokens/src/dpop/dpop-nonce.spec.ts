import { DpopNonces } from './dpop-nonce';

const config = { secret: 'a-nonce-secret-of-at-least-32-characters!', windowSeconds: 60 };
const START = new Date('2026-01-01T00:00:00Z').getTime();

describe('DpopNonces (RFC 9449 §8, stateless)', () => {
  let sut: DpopNonces;

  beforeEach(() => {
    jest.useFakeTimers({ now: START });
    sut = new DpopNonces(config);
  });
  afterEach(() => jest.useRealTimers());

  it('gives one base64url value per window, the same on every replica with the key', () => {
    const nonce = sut.current();
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    jest.setSystemTime(START + 59_999);
    expect(sut.current()).toBe(nonce);
    expect(new DpopNonces(config).current()).toBe(nonce);
    jest.setSystemTime(START + 60_000);
    expect(sut.current()).not.toBe(nonce);
  });

  it("accepts the current and the previous window's nonce, and nothing older", () => {
    const nonce = sut.current();
    expect(sut.accepts(nonce)).toBe(true);
    jest.setSystemTime(START + 119_999);
    expect(sut.accepts(nonce)).toBe(true);
    jest.setSystemTime(START + 120_000);
    expect(sut.accepts(nonce)).toBe(false);
  });

  it('refuses a nonce made with another key', () => {
    const other = new DpopNonces({ ...config, secret: 'another-secret-of-at-least-32-characters' });
    expect(sut.accepts(other.current())).toBe(false);
  });

  it("accepts the next window's nonce (a replica slightly ahead), not one further on", () => {
    jest.setSystemTime(START + 60_000);
    const next = sut.current();
    jest.setSystemTime(START + 120_000);
    const afterNext = sut.current();
    jest.setSystemTime(START);
    expect(sut.accepts(next)).toBe(true);
    expect(sut.accepts(afterNext)).toBe(false);
  });

  it.each([
    ['an empty value', ''],
    ['a prefix of the nonce', () => sut.current().slice(0, 42)],
    ['the nonce with one more character', () => `${sut.current()}A`],
    ['an over-long value', 'x'.repeat(10_000)],
  ])('refuses %s', (_, value) => {
    expect(sut.accepts(typeof value === 'function' ? value() : value)).toBe(false);
  });
});
