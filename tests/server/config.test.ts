import { loadConfig, parseByteSize } from '../../server/config';

describe('config from env', () => {
  it('defaults: 127.0.0.1:3000, data/ledger.sqlite, 5 MB, demo mode', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3000,
      dbFile: 'data/ledger.sqlite',
      demo: true,
      bodyLimitBytes: 5 * 1024 * 1024,
      tokenTtlHours: 12,
    });
  });

  it('reads HOST, PORT, LEDGER_DB, BODY_LIMIT, TOKEN_TTL_HOURS; production turns demo off', () => {
    const config = loadConfig({ HOST: '0.0.0.0', PORT: '8080', LEDGER_DB: '/srv/l.sqlite', BODY_LIMIT: '2mb', TOKEN_TTL_HOURS: '8', NODE_ENV: 'production' });
    expect(config).toEqual({ host: '0.0.0.0', port: 8080, dbFile: '/srv/l.sqlite', demo: false, bodyLimitBytes: 2 * 1024 * 1024, tokenTtlHours: 8 });
  });

  it('reads the import read limits (IMPORT_MAX_*): sizes like BODY_LIMIT, counts as integers', () => {
    const config = loadConfig({ IMPORT_MAX_ENTRY_BYTES: '512mb', IMPORT_MAX_COMPRESSION_RATIO: '50', IMPORT_MAX_ROWS: '400000', IMPORT_MAX_ZIP_ENTRIES: '200' });
    expect(config.readLimits).toEqual({ maxEntryBytes: 512 * 1024 ** 2, maxCompressionRatio: 50, maxRows: 400_000, maxZipEntries: 200 });
    expect(() => loadConfig({ IMPORT_MAX_ROWS: '0' })).toThrow(/IMPORT_MAX_ROWS/);
    expect(() => loadConfig({ IMPORT_MAX_TEXT_BYTES: 'big' })).toThrow(/byte size/);
  });

  it('rejects nonsense', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ BODY_LIMIT: 'lots' })).toThrow(/byte size/);
    expect(parseByteSize('512kb')).toBe(512 * 1024);
    expect(parseByteSize('100')).toBe(100);
  });
});
