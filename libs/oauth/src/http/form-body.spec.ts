import { FormParams } from './form-body';

const FORM = 'application/x-www-form-urlencoded';

describe('FormParams', () => {
  it('decodes percent-escapes and plus signs', () => {
    const sut = FormParams.parse(FORM, 'scope=a%3Ab+c&resource=https%3A%2F%2Fx.example');
    expect(sut.get('scope')).toBe('a:b c');
    expect(sut.get('resource')).toBe('https://x.example');
  });

  it('accepts a charset parameter on the media type', () => {
    expect(FormParams.parse(`${FORM}; charset=UTF-8`, 'a=1').get('a')).toBe('1');
  });

  it('treats an empty value as omitted (RFC 6749 §3.1)', () => {
    const sut = FormParams.parse(FORM, 'scope=&grant_type');
    expect(sut.get('scope')).toBeUndefined();
    expect(sut.has('grant_type')).toBe(false);
  });

  it.each([
    ['a repeated parameter', FORM, 'a=1&a=2'],
    ['a repeated parameter even when empty', FORM, 'a=&a=2'],
    ['malformed percent-encoding', FORM, 'a=%E0%A4%A'],
    ['a JSON body', 'application/json', '{"a":1}'],
    ['no content type', undefined, 'a=1'],
    ['a look-alike media type', 'application/x-www-form-urlencodedx', 'a=1'],
  ])('refuses %s with invalid_request', (_, type, body) => {
    expect(() => FormParams.parse(type, body)).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });

  it('names a missing required parameter', () => {
    expect(() => FormParams.parse(FORM, '').require('token')).toThrow('"token" is required');
  });
});
