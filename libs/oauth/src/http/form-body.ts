import { InvalidRequest } from '../errors';

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** A strictly parsed `application/x-www-form-urlencoded` body (RFC 6749 §3.1, Appendix B). */
export class FormParams {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  static parse(contentType: string | undefined, body: unknown): FormParams {
    if (!contentType || !FORM_TYPE.test(contentType))
      throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    const text = typeof body === 'string' ? body : '';
    const values = new Map<string, string>();
    for (const pair of text.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = decode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
      // RFC 6749 §3.1: parameters MUST NOT be included more than once.
      if (values.has(name)) throw new InvalidRequest(`parameter "${name}" is repeated`);
      values.set(name, value);
    }
    return new FormParams(values);
  }

  /** RFC 6749 §3.1: a parameter sent without a value is treated as omitted. */
  get(name: string): string | undefined {
    const v = this.values.get(name);
    return v === '' ? undefined : v;
  }

  require(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw new InvalidRequest(`parameter "${name}" is required`);
    return v;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

function decode(s: string): string {
  // Most names and many values need no decoding at all.
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequest('the body is not valid form-urlencoded data');
  }
}
