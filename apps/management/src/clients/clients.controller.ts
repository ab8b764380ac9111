import { Controller, Param, UseFilters } from '@nestjs/common';
import { AdminRoute, JsonBody, NotFound } from '@app/oauth';
import { ClientRegistry, ClientWritten, RegistryWriter } from '@app/registry';
import type { RegistryDocument } from '@app/events';
import { MANAGEMENT_API_PATHS as PATHS } from '../management-api.paths';
import { RegistryErrorFilter } from '../registry-error.filter';
import { secretRotationBody } from './secret-rotation.body';

/**
 * Clients in CONFIG_FILE's JSON shape (docs/openapi.yaml): every change an event of
 * the registry's log, acknowledged and in effect here before the answer. A secret is shown only
 * in the answer that made it (`client_secret`), never again: reads show `client_secret_hash`.
 */
@Controller()
@UseFilters(RegistryErrorFilter)
export class ClientsController {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly writer: RegistryWriter,
  ) {}

  @AdminRoute('GET', PATHS.clients)
  list(): { clients: RegistryDocument[] } {
    const ids = this.registry.clients().map((c) => c.clientId);
    return {
      clients: ids.flatMap((id): RegistryDocument[] => {
        const document = this.registry.clientDocument(id);
        return document ? [document] : [];
      }),
    };
  }

  @AdminRoute('POST', PATHS.clients, 201)
  async create(@JsonBody() body: unknown): Promise<RegistryDocument> {
    return shown(await this.writer.createClient(body));
  }

  @AdminRoute('GET', PATHS.client)
  get(@Param('client_id') clientId: string): RegistryDocument {
    const document = this.registry.clientDocument(clientId);
    if (!document) throw new NotFound('no client has this client_id');
    return document;
  }

  @AdminRoute('PUT', PATHS.client)
  async replace(
    @Param('client_id') clientId: string,
    @JsonBody() body: unknown,
  ): Promise<RegistryDocument> {
    return shown(await this.writer.replaceClient(clientId, body));
  }

  @AdminRoute('DELETE', PATHS.client)
  delete(@Param('client_id') clientId: string): Promise<void> {
    return this.writer.deleteClient(clientId);
  }

  @AdminRoute('POST', PATHS.clientSecret)
  async rotate(@Param('client_id') clientId: string, @JsonBody() body: unknown) {
    const rotated = await this.writer.rotateClientSecret(clientId, secretRotationBody(body));
    return {
      client_id: rotated.clientId,
      client_secret: rotated.clientSecret,
      ...(rotated.previousSecretExpiresAt === undefined
        ? {}
        : { previous_secret_expires_at: rotated.previousSecretExpiresAt }),
    };
  }
}

/** The stored document, with the secret this write made: the one time it is ever shown. */
function shown(written: ClientWritten): RegistryDocument {
  return written.clientSecret === undefined
    ? written.document
    : { ...{}, ...written.document, client_secret: written.clientSecret };
}
