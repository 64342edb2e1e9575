/**
 * Issue 8 part 5: bodies the parsers cannot take are 400 JSON (signed in or not), prototype keys
 * anywhere in a JSON body are 400, error logs keep the error class, a full disk is a 503 with a
 * Chinese message, and a corrupt database file is refused at startup with the way to restore.
 */
import { randomUUID } from 'crypto';
import { closeSync, openSync, rmSync, writeSync } from 'fs';
import { join } from 'path';
import { brotliCompressSync, deflateSync, gzipSync } from 'zlib';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../server/config';
import { DatabaseCorruptError } from '../../server/db/integrity';
import { buildDeps } from '../../server/build-deps';
import type { RouteSpec } from '../../server/http/route-table';
import { createRng, fabricateLedgerValues } from '../../server/seed/fabricate';
import { describeSqliteOnly, startTestServer, type TestServer } from './helpers';
import { makeTestDir } from '../temp-dirs';

const VILLAGE = '532301101201';
const SYNC = `/api/v1/ledgers/${VILLAGE}/sync`;

const CRASH_ROUTE: RouteSpec = {
  method: 'get',
  path: '/test-hardening-crash',
  summary: 'test',
  tag: 'test',
  auth: 'public',
  async handle() {
    throw new RangeError('boom near 13812345678 and 532301198001011234');
  },
};

describe('hardening of the HTTP edge', () => {
  let server: TestServer;
  let village: string;
  let county: string;
  const rng = createRng('hardening');

  beforeAll(async () => {
    const { ALL_ROUTES } = require('../../server/routes') as typeof import('../../server/routes');
    server = await startTestServer({ routes: [...ALL_ROUTES, CRASH_ROUTE] });
    village = await server.login('demo-village');
    county = await server.login('demo-county');
  });
  afterAll(() => server.close());

  function push(changes: unknown[]) {
    return server.request('POST', SYNC, { token: village, body: { clientId: 'hardening', requestId: randomUUID(), changes } });
  }

  function newRow(overrides: Record<string, unknown> = {}) {
    const values = fabricateLedgerValues(rng, { region: '532301', today: '2026-10-31' }) as Record<string, unknown>;
    delete values.seq;
    return { rowId: randomUUID(), baseVersion: 0, values: { ...values, ...overrides } };
  }

  it('corrupt gzip, br and deflate bodies → 400 JSON, signed in or not', async () => {
    const json = Buffer.from(JSON.stringify({ username: 'demo-village', password: 'demo1234' }));
    const bodies = { gzip: gzipSync(json), br: brotliCompressSync(json), deflate: deflateSync(json) };
    for (const [encoding, good] of Object.entries(bodies)) {
      const corrupt = Buffer.concat([good.subarray(0, 6), Buffer.from('not the rest of the stream at all')]);
      for (const [path, token] of [['/api/v1/auth/login', undefined], [SYNC, village]] as const) {
        const res = await server.request('POST', path, { token, rawBody: corrupt, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('malformed_body');
        expect(res.body.error.message).toMatch(/压缩数据已损坏/);
      }
      // The intact body still works.
      const ok = await server.request('POST', '/api/v1/auth/login', { rawBody: good, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
      expect(ok.status).toBe(200);
    }
    expect(server.logText()).not.toMatch(/"msg":"unhandled error"/);
  });

  it('multipart without a boundary → 400 JSON (401 JSON when not signed in)', async () => {
    const path = '/api/v1/counties/532301/imports';
    const res = await server.request('POST', path, { token: county, rawBody: '--x\r\n', headers: { 'content-type': 'multipart/form-data' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_upload');
    const truncated = await server.request('POST', path, {
      token: county,
      rawBody: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect(truncated.status).toBe(400);
    const anonymous = await server.request('POST', path, { rawBody: '--x\r\n', headers: { 'content-type': 'multipart/form-data' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
  });

  it('__proto__, constructor or prototype keys anywhere in a JSON body → 400 naming the path; nothing stored', async () => {
    const before = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows');
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const row = newRow();
      const raw = JSON.stringify({ clientId: 'hardening', requestId: randomUUID(), changes: [row] }).replace('"values":{', `"values":{"${key}":{"polluted":true},`);
      const res = await server.request('POST', SYNC, { token: village, rawBody: raw, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('forbidden_key');
      expect(res.body.error.issues[0].path).toBe(`body.changes.0.values.${key}`);
      const top = await server.request('POST', '/api/v1/auth/login', { rawBody: `{"username":"a","password":"b","${key}":{"x":1}}`, headers: { 'content-type': 'application/json' } });
      expect(top.status).toBe(400);
      expect(top.body.error.code).toBe('forbidden_key');
    }
    expect(await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows')).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('forbidden keys in disguise (JSON escapes) are found too, and a UTF-16 body is refused (415): the raw-text shortcut never waves them through', async () => {
    const before = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows');
    const body = (key: string) => JSON.stringify({ clientId: 'hardening', requestId: randomUUID(), changes: [newRow()] }).replace('"values":{', `"values":{"${key}":{"polluted":true},`);
    for (const [spelled, key] of [
      ['\\u005f_proto__', '__proto__'],
      ['constructo\\u0072', 'constructor'],
      ['\\u0070rototype', 'prototype'],
    ]) {
      const res = await server.request('POST', SYNC, { token: village, rawBody: body(spelled), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('forbidden_key');
      expect(res.body.error.issues[0].path).toBe(`body.changes.0.values.${key}`);
    }
    // UTF-16 (the key's bytes are not the ASCII ones the shortcut looks for): JSON between systems
    // is UTF-8 (RFC 8259), anything else is refused before it is read as text
    const utf16 = await server.request('POST', SYNC, {
      token: village,
      rawBody: Buffer.from(body('__proto__'), 'utf16le'),
      headers: { 'content-type': 'application/json; charset=utf-16le' },
    });
    expect(utf16.status).toBe(415);
    expect(utf16.body.error.code).toBe('unsupported_media_type');
    // a byte order mark is dropped, as before
    const bom = await server.request('POST', SYNC, { token: village, rawBody: `\ufeff${body('__proto__')}`, headers: { 'content-type': 'application/json; charset=UTF-8' } });
    expect(bom.status).toBe(400);
    expect(bom.body.error.code).toBe('forbidden_key');
    expect(await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows')).toEqual(before);
  });

  it('a NUL character (U+0000) anywhere in a request → 400 nul_character naming where, on both engines; nothing stored', async () => {
    const rowsBefore = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows');
    const importsBefore = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM imports');
    const expectNul = (res: { status: number; body: any }, path: string) => {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('nul_character');
      expect(res.body.error.message).toMatch(/空字符/);
      expect(res.body.error.en).toMatch(/NUL/);
      expect(res.body.error.issues[0].path).toBe(path);
    };
    // a value of a pushed ledger row (PostgreSQL cannot store it: a 500 there before)
    expectNul(await push([newRow({ name: '张\u0000三' })]), 'body.changes.0.values.name');
    // a key
    const raw = JSON.stringify({ clientId: 'hardening', requestId: randomUUID(), changes: [newRow()] }).replace('"values":{', '"values":{"x\\u0000y":"1",');
    expectNul(await server.request('POST', SYNC, { token: village, rawBody: raw, headers: { 'content-type': 'application/json' } }), 'body.changes.0.values.x\\u0000y');
    // signed out: the sign-in form
    expectNul(await server.request('POST', '/api/v1/auth/login', { body: { username: 'demo\u0000village', password: 'x' } }), 'body.username');
    // the query
    expectNul(await server.request('GET', `/api/v1/ledgers/${VILLAGE}/rows?since=%00`, { token: village }), 'query.since');
    // multipart: a text field, and the file's name
    const multipart = (field: string, fileNameParameter: string) =>
      server.request('POST', '/api/v1/counties/532301/imports', {
        token: county,
        rawBody: Buffer.from(
          `--b\r\nContent-Disposition: form-data; name="source"\r\n\r\n${field}\r\n` +
            `--b\r\nContent-Disposition: form-data; name="file"; ${fileNameParameter}\r\nContent-Type: text/csv\r\n\r\n身份证号,姓名\r\n--b--\r\n`,
        ),
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      });
    expectNul(await multipart('medical\u0000', 'filename="a.csv"'), 'body.source');
    // (a raw NUL in the header is already refused as a malformed upload; the encoded form decodes to one)
    expectNul(await multipart('medical', "filename*=UTF-8''a%00.csv"), 'body.file.name');
    expect(await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows')).toEqual(rowsBefore);
    expect(await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM imports')).toEqual(importsBefore);
    // the same texts without the NUL are taken
    expect((await push([newRow({ name: '张三' })])).status).toBe(200);
  });

  it('error logs keep the error class (type) while personal fields stay redacted', async () => {
    const res = await server.request('GET', '/api/v1/test-hardening-crash');
    expect(res.status).toBe(500);
    const line = server.logText().split('\n').find((l) => l.includes('unhandled error') && l.includes('RangeError'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!).err.type).toBe('RangeError');
    expect(line).not.toContain('13812345678');
    expect(line).not.toContain('532301198001011234');
    server.deps.logger.warn({ person: { name: '虚构甲乙丙' }, err: new TypeError('x') }, 'mixed');
    const mixed = JSON.parse(server.logText().split('\n').filter(Boolean).pop()!);
    expect(mixed.person.name).toBe('[redacted]');
    expect(mixed.err.type).toBe('TypeError');
  });

  /** Makes the database refuse to grow: SQLite's page limit; on PostgreSQL a trigger raising its disk_full error (SQLSTATE 53100). */
  async function fillDisk(): Promise<() => Promise<void>> {
    const db = server.deps.db;
    if (db.engine === 'postgres') {
      await db.exec(`CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
        END $$;
        CREATE TRIGGER disk_full BEFORE INSERT ON ledger_row_versions FOR EACH ROW EXECUTE FUNCTION disk_full();`);
      return () => db.exec('DROP TRIGGER disk_full ON ledger_row_versions; DROP FUNCTION disk_full()');
    }
    const pages = (await db.get<{ page_count: number }>('PRAGMA page_count'))!.page_count;
    await db.run(`PRAGMA max_page_count = ${pages}`);
    return async () => {
      await db.run('PRAGMA max_page_count = 1073741823');
    };
  }

  it('a full disk (SQLITE_FULL, PostgreSQL disk_full) → 503 with a Chinese message; nothing half-stored; works again once there is room', async () => {
    const makeRoom = await fillDisk();
    const before = await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows');
    try {
      const rows = Array.from({ length: 300 }, () => newRow({ notes: '备注'.repeat(200) }));
      const res = await push(rows);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('storage_full');
      expect(res.body.error.message).toMatch(/磁盘空间已满，本次操作未保存/);
      expect(res.headers.get('retry-after')).toBe('300');
      expect(await server.deps.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM ledger_rows')).toEqual(before);
      expect(server.logText()).toMatch(/disk full: request refused/);
    } finally {
      await makeRoom();
    }
    expect((await push([newRow()])).status).toBe(200);
  });
});

describeSqliteOnly('reads the SQLite file itself (PRAGMA quick_check on damaged pages)')('startup integrity check', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTestDir('integrity').dir;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const config = (dbFile: string) => ({ host: '127.0.0.1', port: 0, dbFile, demo: true, bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES, tokenTtlHours: 12 });

  async function makeDatabase(dbFile: string): Promise<void> {
    const deps = await buildDeps(config(dbFile));
    await deps.db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT); CREATE INDEX filler_text ON filler(text);');
    await deps.db.transaction(async (tx) => {
      for (let i = 0; i < 2000; i++) await tx.run('INSERT INTO filler (text) VALUES (?)', [`row ${i} ${'x'.repeat(100)}`]);
    });
    await deps.db.close();
  }

  function overwrite(dbFile: string, offset: number, length: number): void {
    const fd = openSync(dbFile, 'r+');
    writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
    closeSync(fd);
  }

  it('a healthy file passes; damaged pages are refused with the way to restore', async () => {
    const dbFile = join(dir, 'ledger.sqlite');
    await makeDatabase(dbFile);
    const healthy = await buildDeps(config(dbFile), { checkIntegrity: true });
    const pages = (await healthy.db.get<{ page_count: number }>('PRAGMA page_count'))!.page_count;
    await healthy.db.close();
    overwrite(dbFile, 4096 * (pages - 3), 4096 * 2);
    const error = await buildDeps(config(dbFile), { checkIntegrity: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseCorruptError);
    expect((error as Error).message).toMatch(/已损坏.*docs\/operations\.md/);
    expect((error as Error).message).toMatch(/Restore/);
  });

  it('a damaged header (not a database at all) is refused the same way', async () => {
    const dbFile = join(dir, 'ledger.sqlite');
    await makeDatabase(dbFile);
    overwrite(dbFile, 0, 100);
    await expect(buildDeps(config(dbFile), { checkIntegrity: true })).rejects.toBeInstanceOf(DatabaseCorruptError);
  });
});
