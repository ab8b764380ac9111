import 'reflect-metadata';
import { runService } from '@app/platform';
import { RevocationModule } from './revocation.module';

void runService({
  name: 'revocation',
  defaultPort: 3003,
  projector: true,
  features: [RevocationModule],
});
