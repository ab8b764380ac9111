/** A configuration value that the process cannot start with; the message names the variable or field. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    /** Why, without the field's name: for callers that put the path and the reason apart. */
    readonly reason: string,
  ) {
    super(`Invalid configuration: ${field}: ${reason}`);
    this.name = 'ConfigError';
  }
}
