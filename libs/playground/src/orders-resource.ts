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

/** Where the page reaches the demo orders API (PlaygroundOrdersController), on its own origin. */
export const ORDERS_API_PATH = '/playground/api/orders';

/** The API's public URL, what a DPoP proof's `htu` names (RFC 9449 §4.2): the issuer's origin. */
export const ordersApiUrl = (config: AppConfig): string => `${config.issuer}${ORDERS_API_PATH}`;
