import 'reflect-metadata';
import { runService } from '@app/platform';
import { PlaygroundModule } from '@app/playground';
import { AuthorizationModule } from './authorization.module';

void runService({
  name: 'authorization',
  defaultPort: 3004,
  // Off unless PLAYGROUND=true (README "Playground").
  features: [AuthorizationModule, PlaygroundModule],
});
