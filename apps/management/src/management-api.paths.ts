/**
 * The admin API's paths for the registry: a contract (operators' scripts and `npm run admin`
 * rely on them), documented in docs/openapi.yaml and pinned by
 * management-api.openapi.spec.ts. A resource's identifier is a URL: URL-encoded in the path.
 */
export const MANAGEMENT_API_PATHS = {
  /** GET: every client; POST: register one. */
  clients: '/admin/clients',
  /** GET, PUT (replace), DELETE (and revoke its tokens). */
  client: '/admin/clients/:client_id',
  /** POST: rotate the client's secret, the old one valid for `overlap_seconds`. */
  clientSecret: '/admin/clients/:client_id/secret',
  /** GET: every resource; POST: register one. */
  resources: '/admin/resources',
  /** GET, PUT (replace), DELETE (refused while a client names it). */
  resource: '/admin/resources/:identifier',
} as const;
