import 'reflect-metadata';
import { ManagementModule } from '@app/management';
import { runService } from '@app/platform';
import { RevocationModule } from './revocation.module';

void runService({
  name: 'revocation',
  defaultPort: 3003,
  projector: true,
  // The admin API's home: bulk revocation here, the registry's management beside it.
  features: [RevocationModule, ManagementModule],
});
