import 'reflect-metadata';
import { runService } from '@app/platform';
import { AuthorizationModule } from './authorization.module';

void runService({ name: 'authorization', defaultPort: 3004, features: [AuthorizationModule] });
