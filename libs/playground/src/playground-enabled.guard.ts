import { CanActivate, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';

/** PLAYGROUND=false: every playground route answers 404, as if it did not exist. */
@Injectable()
export class PlaygroundEnabledGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(): boolean {
    if (!this.config.playground) throw new NotFoundException();
    return true;
  }
}
