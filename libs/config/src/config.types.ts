export const SIGNING_ALGS = ['ES256', 'EdDSA', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export const TOKEN_FORMATS = ['jwt', 'opaque'] as const;
export type AccessTokenFormat = (typeof TOKEN_FORMATS)[number];

export const AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
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

export interface ClientConfig {
  readonly clientId: string;
  readonly authMethod: ClientAuthMethod;
  readonly secret?: ClientSecret;
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  readonly jwksUri?: string;
  readonly grantTypes: readonly string[];
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
}

export interface RegistryConfig {
  readonly resources: readonly ResourceConfig[];
  readonly clients: readonly ClientConfig[];
}

/** Public URLs of every endpoint, advertised in the metadata document. */
export interface EndpointUrls {
  readonly token: string;
  readonly jwks: string;
  readonly introspection: string;
  readonly revocation: string;
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

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** The issuer identifier and the base of every advertised endpoint URL. */
  readonly issuer: string;
  readonly endpoints: EndpointUrls;
  readonly configFile: string;
  readonly keysFile?: string;
  readonly registry: RegistryConfig;
  /** Development only (NODE_ENV not production): a client's jwks_uri may be http on loopback. */
  readonly clientJwksLoopbackHttp: boolean;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** Absent: the in-memory event log (one process only). */
  readonly kafka?: KafkaConfig;
  /** Absent: in-memory stores (one process only). */
  readonly redisUrl?: string;
  readonly revocationFailurePolicy: FailurePolicy;
  /** Run the Kafka → Redis projector in this process. */
  readonly projector: boolean;
  /** Longest access-token lifetime of any resource, in seconds: bounds the revocation stream. */
  readonly maxTokenTtl: number;
}
