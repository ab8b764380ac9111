import 'reflect-metadata';
import { runService } from '@app/platform';
import { LoginAppModule } from './login-app.module';

void runService({ name: 'login', defaultPort: 3005, features: [LoginAppModule] });
