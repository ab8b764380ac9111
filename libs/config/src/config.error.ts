/** A configuration value that the process cannot start with; the message names the variable or field. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${field}: ${reason}`);
    this.name = 'ConfigError';
  }
}
