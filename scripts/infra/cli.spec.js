'use strict';
const { cli } = require('./cli');

describe('infra cli', () => {
  it('an unknown command prints the usage and exits 2', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const before = process.exitCode;
    try {
      await cli('bogus');
      expect(process.exitCode).toBe(2);
      expect(error).toHaveBeenCalledWith('usage: node scripts/infra.js up | fetch');
    } finally {
      process.exitCode = before;
      error.mockRestore();
    }
  });
});
