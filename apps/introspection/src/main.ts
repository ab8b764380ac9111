import 'reflect-metadata';
import { runService } from '@app/platform';
import { IntrospectionModule } from './introspection.module';

void runService({ name: 'introspection', defaultPort: 3002, features: [IntrospectionModule] });
