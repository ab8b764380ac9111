import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';

/**
 * The claims of the user a consent is for, by subject, as CONFIG_FILE gives them. All of them are
 * handed to the platform, which releases only those the granted scopes allow (OIDC Core §5.4).
 * A subject this file does not know (a session begun by another login app) has none.
 */
@Injectable()
export class UserClaims {
  private readonly bySubject: ReadonlyMap<string, Readonly<Record<string, unknown>>>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.bySubject = new Map(config.registry.users.map((u) => [u.subject, u.claims]));
  }

  of(subject: string): Readonly<Record<string, unknown>> {
    return this.bySubject.get(subject) ?? {};
  }
}
