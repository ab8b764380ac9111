import { Module } from '@nestjs/common';
import { IntrospectionController } from './introspection.controller';
import { IntrospectTokenUseCase } from './introspect-token.usecase';

@Module({
  controllers: [IntrospectionController],
  providers: [IntrospectTokenUseCase],
})
export class IntrospectionModule {}
