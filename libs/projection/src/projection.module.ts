import { Module } from '@nestjs/common';
import { LifecycleProjection } from './lifecycle.projection';

/** The lifecycle projection over the stores the process binds (StoreModule, global). */
@Module({ providers: [LifecycleProjection], exports: [LifecycleProjection] })
export class ProjectionModule {}
