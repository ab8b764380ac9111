import { Controller } from '@nestjs/common';
import { AdminRoute, JsonBody } from '@app/oauth';
import { KEY_ADMIN_PATHS as PATHS } from './key-admin.paths';
import { ListKeysUseCase } from './list-keys.usecase';
import { RotateKeysUseCase, RotationAnswer } from './rotate-keys.usecase';
import { SigningKeyView } from './signing-key.view';

/** Signing keys over the admin API (docs/openapi.yaml). */
@Controller()
export class KeysController {
  constructor(
    private readonly rotateKeys: RotateKeysUseCase,
    private readonly listKeys: ListKeysUseCase,
  ) {}

  @AdminRoute('POST', PATHS.rotate)
  rotate(@JsonBody() body: unknown): Promise<RotationAnswer> {
    return this.rotateKeys.execute(body);
  }

  @AdminRoute('GET', PATHS.keys)
  list(): Promise<{ keys: SigningKeyView[] }> {
    return this.listKeys.execute();
  }
}
