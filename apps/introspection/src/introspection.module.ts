import { Module } from '@nestjs/common';
import { IntrospectionController } from './introspection.controller';
import { IntrospectTokenUseCase } from './introspect-token.usecase';
import { ProjectionGate } from './projection.gate';

@Module({
  controllers: [IntrospectionController],
  providers: [IntrospectTokenUseCase, ProjectionGate],
})
export class IntrospectionModule {}
