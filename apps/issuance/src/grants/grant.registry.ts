import { PARAMETER_NAMES, REPEATABLE_PARAMETERS, UnsupportedGrantType } from '@app/oauth';
import { GrantHandler } from './grant-handler';

/** A grant with its parameter declaration worked out once, for the token endpoint's checks. */
export interface RegisteredGrant {
  readonly handler: GrantHandler;
  /** Declared `required`. */
  readonly required: readonly string[];
  /** Declared once-only although FormParams lets them repeat (another grant repeats them). */
  readonly single: readonly string[];
}

/** The grants the token endpoint dispatches on, by `grant_type`. */
export class GrantRegistry {
  private readonly grants = new Map<string, RegisteredGrant>();

  /** Throws at start when a declaration cannot be honoured (see ParameterUse). */
  constructor(handlers: readonly GrantHandler[]) {
    for (const handler of handlers) {
      if (this.grants.has(handler.grantType))
        throw new Error(`grant ${handler.grantType} is registered twice`);
      this.grants.set(handler.grantType, register(handler));
    }
  }

  /** RFC 6749 §5.2: the description names no value the request sent. */
  get(grantType: string): RegisteredGrant {
    const grant = this.grants.get(grantType);
    if (!grant) throw new UnsupportedGrantType('the grant_type is not supported');
    return grant;
  }

  grantTypes(): string[] {
    return [...this.grants.keys()];
  }
}

function register(handler: GrantHandler): RegisteredGrant {
  const declared = Object.entries(handler.parameters);
  for (const [name, use] of declared) {
    // Error descriptions may name only PARAMETER_NAMES: a parameter a grant reads is one.
    if (!PARAMETER_NAMES.has(name))
      throw new Error(`grant ${handler.grantType} reads ${name}, which PARAMETER_NAMES lacks`);
    if (use === 'repeatable' && !REPEATABLE_PARAMETERS.has(name))
      throw new Error(
        `grant ${handler.grantType} declares ${name} repeatable, which FormParams refuses to ` +
          'repeat (REPEATABLE_PARAMETERS)',
      );
  }
  return {
    handler,
    required: declared.filter(([, use]) => use === 'required').map(([name]) => name),
    single: declared
      .filter(([name, use]) => use !== 'repeatable' && REPEATABLE_PARAMETERS.has(name))
      .map(([name]) => name),
  };
}
