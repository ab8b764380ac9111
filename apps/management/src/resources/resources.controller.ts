import { Controller, Param, UseFilters } from '@nestjs/common';
import { AdminRoute, JsonBody, NotFound } from '@app/oauth';
import { ClientRegistry, RegistryWriter } from '@app/registry';
import type { RegistryDocument } from '@app/events';
import { MANAGEMENT_API_PATHS as PATHS } from '../management-api.paths';
import { RegistryErrorFilter } from '../registry-error.filter';

/**
 * Resources (the APIs tokens are issued for) in CONFIG_FILE's JSON shape: change a lifetime, a
 * format, an algorithm, and the next token issued by any replica has it. Lifetimes are capped
 * by MAX_TOKEN_TTL (the revocation retention); a resource a client names cannot be deleted.
 */
@Controller()
@UseFilters(RegistryErrorFilter)
export class ResourcesController {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly writer: RegistryWriter,
  ) {}

  @AdminRoute('GET', PATHS.resources)
  list(): { resources: RegistryDocument[] } {
    const ids = this.registry.resources().map((r) => r.identifier);
    return {
      resources: ids.flatMap((id): RegistryDocument[] => {
        const document = this.registry.resourceDocument(id);
        return document ? [document] : [];
      }),
    };
  }

  @AdminRoute('POST', PATHS.resources, 201)
  create(@JsonBody() body: unknown): Promise<RegistryDocument> {
    return this.writer.createResource(body);
  }

  @AdminRoute('GET', PATHS.resource)
  get(@Param('identifier') identifier: string): RegistryDocument {
    const document = this.registry.resourceDocument(identifier);
    if (!document) throw new NotFound('no resource has this identifier');
    return document;
  }

  @AdminRoute('PUT', PATHS.resource)
  replace(
    @Param('identifier') identifier: string,
    @JsonBody() body: unknown,
  ): Promise<RegistryDocument> {
    return this.writer.replaceResource(identifier, body);
  }

  @AdminRoute('DELETE', PATHS.resource)
  delete(@Param('identifier') identifier: string): Promise<void> {
    return this.writer.deleteResource(identifier);
  }
}
