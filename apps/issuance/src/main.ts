import 'reflect-metadata';
import { runService } from '@app/platform';
import { IssuanceModule } from './issuance.module';

void runService({ name: 'issuance', defaultPort: 3001, features: [IssuanceModule] });
