import { exchangeGrantId, isExchangeGrantId } from './exchange-grant';

describe('exchangeGrantId', () => {
  it('is one grant per subject token, whichever client exchanges it', () => {
    const sut = exchangeGrantId('web-app', 'jti-1');
    expect(sut).toBe(exchangeGrantId('web-app', 'jti-1'));
    expect(sut).not.toBe(exchangeGrantId('web-app', 'jti-2'));
    expect(sut).not.toBe(exchangeGrantId('svc-a', 'jti-1'));
  });

  it('is told apart from the grants sign-in creates', () => {
    expect(isExchangeGrantId(exchangeGrantId('web-app', 'jti-1'))).toBe(true);
    expect(isExchangeGrantId('1gtR3lEIoQsdy7Q1hhjZtQ')).toBe(false);
  });
});
