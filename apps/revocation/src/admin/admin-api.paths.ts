/**
 * The admin API's paths: a contract (operators' scripts rely on them), documented in
 * docs/openapi.yaml and pinned by admin-api.openapi.spec.ts.
 */
export const ADMIN_API_PATHS = {
  /** POST: revoke every token of a grant, of a client, or of a subject. */
  revocations: '/admin/revocations',
  /** GET: a subject's live grants ("connected apps"). */
  subjectGrants: '/admin/subjects/:subject/grants',
  /** DELETE: withdraw one grant (and revoke its tokens). */
  grant: '/admin/grants/:grant_id',
} as const;

/** Grant ids the platform mints are 22 base64url characters; any visible ASCII is accepted. */
export const GRANT_ID_SYNTAX = /^[\x21-\x7e]{1,128}$/;
/** RFC 6749 Appendix A.1: client_id is VSCHAR*; bounded like every identifier here. */
export const CLIENT_ID_SYNTAX = /^[\x20-\x7e]{1,255}$/;
