import { FormParams } from './form-body';

const FORM = 'application/x-www-form-urlencoded';
/** RFC 6749 §5.2: what an error_description may contain. */
const DESCRIPTION_CHARSET = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;

describe('FormParams', () => {
  it('decodes percent-escapes and plus signs', () => {
    const sut = FormParams.parse(FORM, 'scope=a%3Ab+c&resource=https%3A%2F%2Fx.example');
    expect(sut.get('scope')).toBe('a:b c');
    expect(sut.getAll('resource')).toEqual(['https://x.example']);
  });

  it('accepts a charset parameter on the media type', () => {
    expect(FormParams.parse(`${FORM}; charset=UTF-8`, 'a=1').get('a')).toBe('1');
  });

  it('treats an empty value as omitted (RFC 6749 §3.1)', () => {
    const sut = FormParams.parse(FORM, 'scope=&grant_type&resource=');
    expect(sut.get('scope')).toBeUndefined();
    expect(sut.has('grant_type')).toBe(false);
    expect(sut.getAll('resource')).toEqual([]);
  });

  it.each([
    ['a repeated parameter', FORM, 'a=1&a=2'],
    ['a repeated parameter even when empty', FORM, 'a=&a=2'],
    ['a repeated OAuth parameter', FORM, 'scope=a&scope=b'],
    ['malformed percent-encoding', FORM, 'a=%E0%A4%A'],
    ['a JSON body', 'application/json', '{"a":1}'],
    ['no content type', undefined, 'a=1'],
    ['a look-alike media type', 'application/x-www-form-urlencodedx', 'a=1'],
  ])('refuses %s with invalid_request', (_, type, body) => {
    expect(() => FormParams.parse(type, body)).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });

  describe('resource, the one repeatable parameter (RFC 8707 §2)', () => {
    it('keeps every value, in request order, empty ones dropped', () => {
      const sut = FormParams.parse(
        FORM,
        'resource=https%3A%2F%2Fa.example&resource=&grant_type=x&resource=https%3A%2F%2Fb.example',
      );
      expect(sut.getAll('resource')).toEqual(['https://a.example', 'https://b.example']);
    });

    it('keeps a value given twice twice (the caller decides what a repeat means)', () => {
      const sut = FormParams.parse(
        FORM,
        'resource=https%3A%2F%2Fa.example&resource=https%3A%2F%2Fa.example',
      );
      expect(sut.getAll('resource')).toEqual(['https://a.example', 'https://a.example']);
    });

    it('is read only with getAll, so that no reader sees one value and ignores the rest', () => {
      const sut = FormParams.parse(FORM, 'resource=https%3A%2F%2Fa.example');
      expect(() => sut.get('resource')).toThrow('getAll');
      expect(() => sut.has('resource')).toThrow('getAll');
    });

    it('is the only one getAll reads', () => {
      expect(() => FormParams.parse(FORM, 'scope=a').getAll('scope')).toThrow('not repeatable');
    });
  });

  describe('error descriptions never repeat request input (RFC 6749 §5.2)', () => {
    const descriptionOf = (body: string) => {
      try {
        FormParams.parse(FORM, body);
      } catch (e) {
        return (e as { description: string }).description;
      }
      throw new Error('not refused');
    };

    it('names a repeated parameter when it is one of ours', () => {
      expect(descriptionOf('token=a&token=b')).toBe('the token parameter must not be repeated');
    });

    it.each([
      ['quotes and backslashes', 'a"b\\c'],
      ['control characters', 'a\u0000\u001b[31m\r\nb'],
      ['non-ASCII', 'päram\u202e€'],
      ['a long name', 'n'.repeat(5000)],
    ])('does not name a repeated parameter of its own: %s', (_case, name) => {
      const encoded = encodeURIComponent(name);
      const description = descriptionOf(`${encoded}=1&${encoded}=2`);
      expect(description).not.toContain(name);
      expect(description).toMatch(DESCRIPTION_CHARSET);
      expect(description).toContain('repeated');
    });

    it('names a missing required parameter, within the allowed characters', () => {
      const refused = () => FormParams.parse(FORM, '').require('token');
      expect(refused).toThrow('the token parameter is required');
      expect(refused).toThrow(DESCRIPTION_CHARSET);
    });
  });

  describe('a URL query (fromQuery), under the same rules', () => {
    it('decodes it as a form, with no content type to check', () => {
      const sut = FormParams.fromQuery('state=a+b%21&resource=https%3A%2F%2Fx.example&flag');
      expect(sut.get('state')).toBe('a b!');
      expect(sut.getAll('resource')).toEqual(['https://x.example']);
      expect(sut.has('flag')).toBe(false);
    });

    it.each([
      ['a repeated parameter', 'state=a&state=b'],
      ['malformed percent-encoding', 'state=%E0%A4%A'],
    ])('refuses %s with invalid_request', (_, query) => {
      expect(() => FormParams.fromQuery(query)).toThrow(
        expect.objectContaining({ error: 'invalid_request' }),
      );
    });
  });
});
