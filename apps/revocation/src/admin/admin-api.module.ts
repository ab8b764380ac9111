import { Module } from '@nestjs/common';
import { AdminClientGuard } from '@app/oauth';
import { AdminController } from './admin.controller';
import { ListSubjectGrantsUseCase } from './list-subject-grants.usecase';
import { RevokeInBulkUseCase } from './revoke-in-bulk.usecase';
import { WithdrawGrantUseCase } from './withdraw-grant.usecase';

/** The admin API (`/admin/…`): bulk revocation and a subject's grants, for `admin` clients. */
@Module({
  controllers: [AdminController],
  providers: [
    AdminClientGuard,
    RevokeInBulkUseCase,
    ListSubjectGrantsUseCase,
    WithdrawGrantUseCase,
  ],
})
export class AdminApiModule {}
