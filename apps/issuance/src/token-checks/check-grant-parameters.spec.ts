import { FormParams } from '@app/oauth';
import { GrantHandler, ParameterUse } from '../grants/grant-handler';
import { GrantRegistry } from '../grants/grant.registry';
import { checkGrantParameters } from './check-grant-parameters';

const form = (body: string) => FormParams.parse('application/x-www-form-urlencoded', body);
const declared = (parameters: Record<string, ParameterUse>) => {
  const handler: GrantHandler = {
    grantType: 'g',
    parameters,
    publicClients: false,
    handle: jest.fn(),
  };
  return new GrantRegistry([handler]).get('g');
};

describe('checkGrantParameters', () => {
  const sut = checkGrantParameters;

  it('refuses a missing required parameter, naming it: invalid_request', () => {
    const grant = declared({ token: 'required', scope: 'optional' });
    expect(() => sut(grant, form('scope=a'))).toThrow(
      expect.objectContaining({
        error: 'invalid_request',
        description: 'the token parameter is required',
      }),
    );
    // RFC 6749 §3.1: sent without a value is omitted.
    expect(() => sut(grant, form('token='))).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
    expect(() => sut(grant, form('token=t'))).not.toThrow();
  });

  it('checks a required repeatable parameter by its values', () => {
    const grant = declared({ resource: 'required' });
    expect(() => sut(grant, form('resource='))).toThrow(/resource parameter is required/);
    expect(() => sut(grant, form('resource=https%3A%2F%2Fa.example'))).not.toThrow();
  });

  it('refuses a repeat of a parameter the grant takes once, though another grant repeats it', () => {
    const grant = declared({ resource: 'optional' });
    expect(() => sut(grant, form('resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb'))).toThrow(
      expect.objectContaining({
        error: 'invalid_request',
        description: 'the resource parameter must not be repeated',
      }),
    );
  });

  it('lets a repeatable parameter repeat', () => {
    const grant = declared({ resource: 'repeatable' });
    expect(() =>
      sut(grant, form('resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb')),
    ).not.toThrow();
  });

  // RFC 6749 §3.1: "The authorization server MUST ignore unrecognized request parameters."
  it('ignores parameters the grant does not declare, repeated resource included', () => {
    const grant = declared({ scope: 'optional' });
    expect(() =>
      sut(
        grant,
        form('scope=a&made_up=1&token=t&resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb'),
      ),
    ).not.toThrow();
  });
});
