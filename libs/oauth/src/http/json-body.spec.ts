import { jsonBody } from './json-body';

describe('jsonBody', () => {
  it('parses application/json, with or without parameters', () => {
    expect(jsonBody('application/json', '{"a":[1]}')).toEqual({ a: [1] });
    expect(jsonBody('Application/JSON; charset=utf-8', 'null')).toBeNull();
  });

  it.each([undefined, '', 'text/plain', 'application/jsonp', 'application/x-www-form-urlencoded'])(
    'refuses the content type %p',
    (type) => {
      expect(() => jsonBody(type, '{}')).toThrow('the body must be application/json');
    },
  );

  it.each(['', '{', '{"a":1,}', "{'a':1}", '{"a":1,"a":1}', undefined])(
    'refuses %p as JSON',
    (body) => {
      expect(() => jsonBody('application/json', body)).toThrow(
        'the body is not valid JSON (RFC 8259), or repeats a member name',
      );
    },
  );
});
