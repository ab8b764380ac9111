import { InvalidRequest } from '../errors';
import { PARAMETER_NAMES, REPEATABLE_PARAMETERS } from './parameter-names';

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * A strictly parsed `application/x-www-form-urlencoded` body (RFC 6749 §3.1, Appendix B). Only
 * the parameters in REPEATABLE_PARAMETERS may appear more than once; they are read with `getAll`.
 */
export class FormParams {
  private constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  static parse(contentType: string | undefined, body: unknown): FormParams {
    if (!contentType || !FORM_TYPE.test(contentType))
      throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    return FormParams.decode(typeof body === 'string' ? body : '');
  }

  /**
   * A URL query (the part after `?`), under the same rules: RFC 6749 §3.1 applies to the
   * authorization endpoint's query parameters as to the token endpoint's form.
   */
  static fromQuery(query: string): FormParams {
    return FormParams.decode(query);
  }

  private static decode(text: string): FormParams {
    const values = new Map<string, string[]>();
    for (const pair of text.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
      const seen = values.get(name);
      if (seen === undefined) values.set(name, [value]);
      else if (REPEATABLE_PARAMETERS.has(name)) seen.push(value);
      // RFC 6749 §3.1: parameters MUST NOT be included more than once.
      else throw new InvalidRequest(repeated(name));
    }
    return new FormParams(values);
  }

  /** RFC 6749 §3.1: a parameter sent without a value is treated as omitted. */
  get(name: string): string | undefined {
    // Reading one value of a repeatable parameter would silently ignore the others.
    if (REPEATABLE_PARAMETERS.has(name)) throw new Error(`read the ${name} parameter with getAll`);
    const v = this.values.get(name)?.[0];
    return v === '' ? undefined : v;
  }

  /** Every value of a repeatable parameter, in request order; empty values count as omitted. */
  getAll(name: string): string[] {
    if (!REPEATABLE_PARAMETERS.has(name))
      throw new Error(`the ${name} parameter is not repeatable`);
    return (this.values.get(name) ?? []).filter((v) => v !== '');
  }

  require(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw new InvalidRequest(`the ${name} parameter is required`);
    return v;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** Names our parameter; a name the request made up is not repeated back (RFC 6749 §5.2). */
function repeated(name: string): string {
  return PARAMETER_NAMES.has(name)
    ? `the ${name} parameter must not be repeated`
    : 'a parameter is repeated, which RFC 6749 section 3.1 forbids';
}

function decode(s: string): string {
  // Most names and many values need no decoding at all.
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequest('the request parameters are not valid form-urlencoded data');
  }
}
