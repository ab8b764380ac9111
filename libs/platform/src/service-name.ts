/** The running service's name (`issuance`, `introspection`, …). */
export const SERVICE_NAME = Symbol('ServiceName');
