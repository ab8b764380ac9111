import type { SigningKeysConfig } from './signing-keys.config';
import type { ClientRateLimit, RateLimitConfig } from './rate-limit.config';
import type { LoadSheddingConfig } from './load-shedding.config';
import type { RefreshTokenSettings } from './refresh-token-client.parser';
import type { TokenExchangePolicy } from './token-exchange-client.parser';
import { HttpLimits } from './http-limits.config';
import type { SignInConfig } from './sign-in.config';
import type { DpopConfig } from './dpop.config';
import type { MtlsConfig } from './mtls.config';
import type { RedisClusterConfig } from './redis.config';
import type { MetricsConfig } from './metrics.config';
import type { LogFormat, LogLevelName } from './log.config';
import type { TracingConfig } from './tracing.config';
import type { TrustedIssuerConfig } from './trusted-issuers.parser';
import type { FederatedCredentialConfig, JwtBearerSettings } from './federated-client.parser';
import type { RegistrationConfig } from './registration.config';

/**
 * What the issuer signs with: one key of its own per algorithm (RFC 8725 §3.1: one key, one
 * algorithm), so RS256 and PS256 use two RSA keys. RS256 is what every relying party supports
 * (OpenID Connect Core §15.1); PS256 is the RSA signature FAPI profiles require.
 */
export const SIGNING_ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export const TOKEN_FORMATS = ['jwt', 'opaque'] as const;
export type AccessTokenFormat = (typeof TOKEN_FORMATS)[number];

/**
 * `none`: a public client (RFC 6749 §2.1), which names itself with client_id and has no secret.
 * `tls_client_auth` and `self_signed_tls_client_auth` (RFC 8705 §2): the client's TLS
 * certificate authenticates it, by its CA and name or by its registered public key.
 */
export const AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'none',
] as const;
export type ClientAuthMethod = (typeof AUTH_METHODS)[number];

/** An API that tokens are issued for (RFC 8707 resource indicator). */
export interface ResourceConfig {
  readonly identifier: string;
  readonly scopes: readonly string[];
  readonly accessTokenFormat: AccessTokenFormat;
  /** Seconds. */
  readonly accessTokenTtl: number;
  readonly signingAlg: SigningAlg;
}

/** Plain secrets are for development; production configuration carries only a scrypt hash. */
export type ClientSecret =
  | { readonly kind: 'plain'; readonly value: string }
  | { readonly kind: 'hash'; readonly value: string };

/**
 * OIDC Core §3.1.3.7 and §15.1: ID tokens are signed RS256 unless the client registered another
 * `id_token_signed_response_alg` (OpenID Registration §2); asymmetric only, never `none`.
 */
export const ID_TOKEN_SIGNING_ALGS = ['RS256', 'ES256', 'EdDSA', 'PS256'] as const;
export type IdTokenSigningAlg = (typeof ID_TOKEN_SIGNING_ALGS)[number];

/** OIDC Core §8: the `sub` a client sees is the user's own (`public`) or one made for it. */
export const SUBJECT_TYPES = ['public', 'pairwise'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/**
 * Scopes the authorization service defines itself (OIDC Core §5.4 and §11) for clients of the
 * sign-in flow: no resource defines them, and no resource may.
 */
export const OPENID_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
];

/**
 * How a client takes part in the sign-in flow (RFC 7591 §2 and OpenID Registration §2 names).
 * Validated at start; read by the authorization service of the sign-in flow.
 */
export interface ClientSignInSettings {
  /** RFC 6749 §3.1.2, RFC 9700 §4.1.3: where codes may be sent, compared as exact strings. */
  readonly redirectUris: readonly string[];
  /** OpenID RP-Initiated Logout 1.0 §3: where the browser may go after logging out. */
  readonly postLogoutRedirectUris: readonly string[];
  readonly idTokenSignedResponseAlg: IdTokenSigningAlg;
  readonly subjectType: SubjectType;
  /**
   * OIDC Core §8.1: the host of every redirect URI, for which pairwise subjects are computed.
   * Present exactly when `subjectType` is `pairwise`.
   */
  readonly sectorIdentifier?: string;
  /** RFC 9126 §6: authorization requests only through `/oauth2/par`. */
  readonly requirePushedAuthorizationRequests: boolean;
  /** A first-party application: the user is not asked to consent. */
  readonly skipConsent: boolean;
  /** May call the login/consent API (the login app), authenticating as this client. */
  readonly loginProvider: boolean;
}

export interface ClientConfig extends ClientSignInSettings {
  readonly clientId: string;
  readonly authMethod: ClientAuthMethod;
  readonly secret?: ClientSecret;
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  readonly jwksUri?: string;
  readonly grantTypes: readonly string[];
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  /**
   * The APIs this client serves as a resource server: it may introspect tokens whose audience is
   * one of them (RFC 7662 §4). Every client may introspect the tokens issued to itself.
   */
  readonly introspects: readonly string[];
  /** RFC 6749 §6: used when `grantTypes` has `refresh_token` (defaults otherwise). */
  readonly refreshToken: RefreshTokenSettings;
  /** RFC 8705 §2.1.2: the one certificate name a `tls_client_auth` client is known by. */
  readonly tlsClientAuth?: TlsClientAuthName;
  /**
   * RFC 8705 §3: its access tokens are bound to its TLS client certificate, whatever its
   * authentication method. The parser always sets it; absent means false.
   */
  readonly tlsClientCertificateBoundAccessTokens?: boolean;
  /**
   * May call the admin API (bulk revocation, grants of a subject), with HTTP Basic. The parser
   * always sets it; absent (a client built in code) means false.
   */
  readonly admin?: boolean;
  /**
   * RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request of this client must carry a
   * DPoP proof, so its access tokens are always DPoP-bound. The parser always sets it; absent
   * (a client built in code) means false.
   */
  readonly dpopBoundAccessTokens?: boolean;
  /** `rate_limit`: this client's own per-client request limits, by endpoint (RateLimitConfig). */
  readonly rateLimit?: ClientRateLimit;
  /** RFC 8693: present exactly when `grantTypes` has the token-exchange URN. */
  readonly tokenExchange?: TokenExchangePolicy;
  /** RFC 7523 §2.2: tokens of trusted issuers that authenticate this private_key_jwt client. */
  readonly federatedCredentials?: readonly FederatedCredentialConfig[];
  /** RFC 7523 §2.1: present exactly when `grantTypes` has the JWT-bearer grant. */
  readonly jwtBearer?: JwtBearerSettings;
}

/** RFC 8705 §2.1.2: the registration fields that name a `tls_client_auth` client's certificate. */
export const TLS_CLIENT_AUTH_NAMES = [
  'tls_client_auth_subject_dn',
  'tls_client_auth_san_dns',
  'tls_client_auth_san_uri',
  'tls_client_auth_san_ip',
  'tls_client_auth_san_email',
] as const;
export type TlsClientAuthField = (typeof TLS_CLIENT_AUTH_NAMES)[number];

/**
 * The name a certificate must carry, in the form it is compared in: a subject DN in its
 * canonical form (distinguished-name.ts), a DNS name in lower case, an IP address as 16 bytes of
 * hex (IPv4 mapped into IPv6), a URI or an email address exactly as registered.
 */
export interface TlsClientAuthName {
  readonly field: TlsClientAuthField;
  readonly value: string;
}

/** A user's password: plain text in development only, like a client secret. */
export type UserPassword = ClientSecret;

/** A user of the reference login app (`users` in CONFIG_FILE); no other service reads them. */
export interface UserConfig {
  readonly username: string;
  /** OIDC Core §2 `sub`: the user's `subject`, or the username when none is given. */
  readonly subject: string;
  readonly password: UserPassword;
  /** OIDC Core §5.1 claims (and any of the deployment's own), never `sub` or protocol claims. */
  readonly claims: Readonly<Record<string, unknown>>;
}

export interface RegistryConfig {
  readonly resources: readonly ResourceConfig[];
  readonly clients: readonly ClientConfig[];
  readonly users: readonly UserConfig[];
  /** `trusted_issuers`; the parser always sets it, absent (a registry built in code): none. */
  readonly trustedIssuers?: readonly TrustedIssuerConfig[];
  /**
   * The documents `clients` and `resources` were parsed from, in the same order (the parser
   * always sets them; absent for a registry built in code). Plain development secrets included:
   * the registry never shows them.
   */
  readonly clientDocuments?: readonly Readonly<Record<string, unknown>>[];
  readonly resourceDocuments?: readonly Readonly<Record<string, unknown>>[];
}

/** Public URLs of every endpoint, advertised in the metadata document. */
export interface EndpointUrls {
  readonly token: string;
  readonly jwks: string;
  readonly introspection: string;
  readonly revocation: string;
  /** RFC 6749 §3.1 (authorization service). */
  readonly authorization: string;
  /** RFC 9126 §2. */
  readonly par: string;
  /** OIDC Core §5.3. */
  readonly userinfo: string;
  /** OpenID RP-Initiated Logout 1.0 §2 `end_session_endpoint`. */
  readonly endSession: string;
  /** RFC 7591 §3 `registration_endpoint` (revocation service, with the admin API). */
  readonly registration: string;
}

export const FAILURE_POLICIES = ['fail-closed', 'fail-open'] as const;
/** What a replica does when it cannot check revocation state: refuse (default) or accept. */
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** How long events wait to be sent together (kafkajs sends one request per send()). */
  readonly lingerMs: number;
  readonly maxBatch: number;
  /** A state change whose event is not acknowledged within this answers 503. */
  readonly publishTimeoutMs: number;
  readonly topicPartitions: number;
  readonly replicationFactor: number;
}

/**
 * Failed client authentications each client id and each source address may have per window
 * before further attempts answer 429 (see ClientAuthenticator).
 */
export interface AuthThrottleConfig {
  readonly failuresPerClient: number;
  readonly failuresPerAddress: number;
  /** Seconds; the count of a key starts at its first failure and ends with the window. */
  readonly windowSeconds: number;
}

/**
 * Which reverse proxies may name the caller in `X-Forwarded-For` (Fastify's `trustProxy`):
 * `false` (none: the peer address is the caller) or their addresses, CIDRs and presets.
 */
export type TrustProxy = false | readonly string[];

export interface AppConfig {
  /** NODE_ENV=production: every development default was refused (deployment-mode.ts). */
  readonly production: boolean;
  /** What development defaults were used, for the service to log loudly at start. */
  readonly warnings: readonly string[];
  readonly port: number;
  readonly host: string;
  /** The issuer identifier and the base of every advertised endpoint URL. */
  readonly issuer: string;
  readonly endpoints: EndpointUrls;
  readonly configFile: string;
  readonly keysFile?: string;
  /** Runtime rotation: the key store's key-encryption key and the pre-publication delay. */
  readonly signingKeys: SigningKeysConfig;
  readonly registry: RegistryConfig;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  /** Request timeouts and the connection cap of the HTTP server. */
  readonly http: HttpLimits;
  readonly trustProxy: TrustProxy;
  readonly authThrottle: AuthThrottleConfig;
  /** Requests per window per client and per address on the OAuth endpoints (RATE_LIMIT_*). */
  readonly rateLimits: RateLimitConfig;
  /** 503 + Retry-After past an event-loop delay bound (SHED_*). */
  readonly loadShedding: LoadSheddingConfig;
  /** Client-secret scrypt computations at a time in this process; more wait in line. */
  readonly scryptConcurrency: number;
  readonly logLevel: LogLevelName;
  /** LOG_FORMAT: JSON lines (the default) or pretty lines for a terminal (`npm start`). */
  readonly logFormat: LogFormat;
  /** Absent: the in-memory event log (one process only). */
  readonly kafka?: KafkaConfig;
  /** One Redis. Absent, with no redisCluster either: in-memory stores (one process only). */
  readonly redisUrl?: string;
  /** A Redis Cluster (REDIS_CLUSTER_NODES), instead of redisUrl. */
  readonly redisCluster?: RedisClusterConfig;
  readonly revocationFailurePolicy: FailurePolicy;
  /** Run the Kafka → Redis projector in this process. */
  readonly projector: boolean;
  /** PLAYGROUND: serve the browser playground at /playground (README "Playground"). */
  readonly playground: boolean;
  /**
   * MAX_TOKEN_TTL: the longest access-token lifetime allowed (seconds), and so how long
   * revocations are kept (the revocation stream's retention). The registry refuses any
   * lifetime above it (max-token-ttl.config.ts); by default the longest of CONFIG_FILE.
   */
  readonly maxTokenTtl: number;
  readonly signIn: SignInConfig;
  /** DPoP proof checks at the token endpoint (RFC 9449). */
  readonly dpop: DpopConfig;
  /** Dynamic client registration (RFC 7591): open or by initial access token, and its bounds. */
  readonly registration: RegistrationConfig;
  /** Mutual TLS (RFC 8705): how client certificates reach the services, and what they trust. */
  readonly mtls: MtlsConfig;
  /** `GET /metrics` and what it observes. */
  readonly metrics: MetricsConfig;
  /** OpenTelemetry traces (the standard OTEL_* variables): off unless an endpoint is set. */
  readonly tracing: TracingConfig;
}
