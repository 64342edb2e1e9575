/**
 * Startup removes uploads and import files a previous process left behind (they hold ID numbers),
 * sparing entries young enough to belong to another process still writing them.
 */
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { join } from 'path';
import { uploadTempDir } from '../../server/http/mount';
import { importTempRoot } from '../../server/imports/service';
import { removeLeftoverTempFiles } from '../../server/imports/startup-cleanup';
import { makeTestDir } from '../temp-dirs';

describe('startup cleanup of leftover temp files', () => {
  const root = makeTestDir('startup-tmp').dir;
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('the default roots are the private import and upload roots', () => {
    expect(importTempRoot()).toMatch(/ledger-imports-/);
    expect(uploadTempDir()).toMatch(/ledger-uploads-/);
  });

  it('removes an interrupted import dir and a half-received upload; keeps fresh ones', async () => {
    const imports = join(root, 'imports');
    const uploads = join(root, 'uploads');
    const oldImport = join(imports, 'crashed-import');
    mkdirSync(oldImport, { recursive: true });
    mkdirSync(uploads, { recursive: true });
    writeFileSync(join(oldImport, 'medical.csv'), '姓名,身份证号\n虚构甲,532301198001011234\n');
    const oldUpload = join(uploads, 'crashed.upload');
    writeFileSync(oldUpload, 'partial upload');
    const freshUpload = join(uploads, 'in-flight.upload');
    writeFileSync(freshUpload, 'another process is writing this');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(oldImport, hourAgo, hourAgo);
    utimesSync(oldUpload, hourAgo, hourAgo);

    expect(await removeLeftoverTempFiles({ roots: [imports, uploads] })).toBe(2);
    expect(existsSync(oldImport)).toBe(false);
    expect(existsSync(oldUpload)).toBe(false);
    expect(existsSync(freshUpload)).toBe(true);
  });
});
