// End-to-end specs start their servers in hooks (generating two RSA keys when no KEYS_FILE is
// given): on a busy two-core machine that took longer than jest's 5 s default and failed whole
// suites. Specs that need longer still give their own timeout.
jest.setTimeout(30_000);
