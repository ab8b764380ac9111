import { AppConfig } from '@app/config';

/** The scope the demo orders API's GET /orders needs (apps/demo-api). */
export const ORDERS_SCOPE = 'orders:read';

/**
 * The demo orders API's resource identifier (RFC 8707): the registered resource that defines
 * `orders:read` (https://orders.example.com in config/dev.json).
 */
export function ordersResource(config: AppConfig): string | undefined {
  return config.registry.resources.find((r) => r.scopes.includes(ORDERS_SCOPE))?.identifier;
}
