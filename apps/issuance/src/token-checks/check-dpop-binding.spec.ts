import { checkDpopBinding, DPOP_BINDING_ERRORS } from './check-dpop-binding';

const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const OTHER = 'oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U';

describe('checkDpopBinding (RFC 9449 §5, §10)', () => {
  const sut = (dpop?: { jkt: string }) => () =>
    checkDpopBinding(JKT, dpop, DPOP_BINDING_ERRORS.refresh);

  it('lets an unbound code or refresh token through, with or without a proof', () => {
    expect(() => checkDpopBinding(undefined, undefined, DPOP_BINDING_ERRORS.code)).not.toThrow();
    expect(() =>
      checkDpopBinding(undefined, { jkt: OTHER }, DPOP_BINDING_ERRORS.code),
    ).not.toThrow();
  });

  it('lets a proof of the bound key through', () => {
    expect(sut({ jkt: JKT })).not.toThrow();
  });

  it.each([
    ['no proof', undefined],
    ['a proof of another key', { jkt: OTHER }],
  ])('refuses %s: invalid_dpop_proof', (_, dpop) => {
    expect(sut(dpop)).toThrow(
      expect.objectContaining({
        error: 'invalid_dpop_proof',
        status: 400,
        description: DPOP_BINDING_ERRORS.refresh,
      }),
    );
  });
});
