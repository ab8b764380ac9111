import { ConfigError } from './config.error';
import { loadLogConfig } from './log.config';

describe('loadLogConfig', () => {
  it('writes JSON at level log unless told otherwise', () => {
    expect(loadLogConfig({})).toEqual({ logLevel: 'log', logFormat: 'json' });
  });

  it('takes LOG_FORMAT=pretty and LOG_FORMAT=json, and LOG_LEVEL', () => {
    expect(loadLogConfig({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'debug' })).toEqual({
      logLevel: 'debug',
      logFormat: 'pretty',
    });
    expect(loadLogConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it('refuses an unknown format, naming the variable', () => {
    expect(() => loadLogConfig({ LOG_FORMAT: 'xml' })).toThrow(ConfigError);
    expect(() => loadLogConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});
