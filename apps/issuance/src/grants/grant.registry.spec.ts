import { GrantHandler, ParameterUse } from './grant-handler';
import { GrantRegistry } from './grant.registry';

const grant = (grantType: string, parameters: Record<string, ParameterUse> = {}): GrantHandler => ({
  grantType,
  parameters,
  publicClients: false,
  handle: jest.fn(),
});

describe('GrantRegistry', () => {
  it('finds a grant by its grant_type', () => {
    const cc = grant('client_credentials');
    const sut = new GrantRegistry([cc, grant('urn:example:other')]);
    expect(sut.get('client_credentials').handler).toBe(cc);
    expect(sut.grantTypes()).toEqual(['client_credentials', 'urn:example:other']);
  });

  it('answers an unknown grant_type with unsupported_grant_type, never echoing it', () => {
    const sut = new GrantRegistry([grant('client_credentials')]);
    expect(() => sut.get('password')).toThrow(
      expect.objectContaining({
        error: 'unsupported_grant_type',
        description: 'the grant_type is not supported',
      }),
    );
  });

  it('works out once which declared parameters are required, and which must not repeat', () => {
    const sut = new GrantRegistry([
      grant('a', { token: 'required', scope: 'optional', resource: 'repeatable' }),
      grant('b', { resource: 'optional' }),
      grant('c', { resource: 'required' }),
    ]);
    expect(sut.get('a')).toMatchObject({ required: ['token'], single: [] });
    // resource may repeat in the form (grant a takes several), so b's "once" is checked.
    expect(sut.get('b')).toMatchObject({ required: [], single: ['resource'] });
    expect(sut.get('c')).toMatchObject({ required: ['resource'], single: ['resource'] });
  });

  describe('refuses at start a declaration it cannot honour', () => {
    it('the same grant type twice', () => {
      expect(() => new GrantRegistry([grant('a'), grant('a')])).toThrow(/registered twice/);
    });

    it('a parameter outside PARAMETER_NAMES (error descriptions could not name it)', () => {
      expect(() => new GrantRegistry([grant('a', { made_up: 'optional' })])).toThrow(
        /PARAMETER_NAMES/,
      );
    });

    it('a repeatable parameter that FormParams refuses to repeat', () => {
      expect(() => new GrantRegistry([grant('a', { scope: 'repeatable' })])).toThrow(
        /REPEATABLE_PARAMETERS/,
      );
    });
  });
});
