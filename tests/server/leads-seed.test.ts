/**
 * The demo: templates/demo holds fabricated departmental files; the demo seed imports the roster
 * and the 残联 file through the import pipeline (leads exist for the panes), idempotently; the
 * 医保 file is left for a new user to import and behaves as its README says.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { isValidIdChecksum } from '../../ledger/id-number';
import { runDemoSeed } from '../../server/seed';
import { buildDemoFiles, demoFilesDir } from '../../server/seed/demo-leads';
import { startTestServer } from './helpers';
import { COUNTY, importFile, leadsOf } from './leads-helpers';

jest.setTimeout(120_000);

describe('demo departmental files and seed', () => {
  it('the committed files exist and contain only fabricated, checksum-valid people of 楚雄市', () => {
    const dir = demoFilesDir();
    expect(dir).toBeDefined();
    const files = buildDemoFiles();
    expect(files.map((f) => f.source).sort()).toEqual(['disability', 'education', 'medical', 'roster']);
    for (const file of files) {
      expect(readFileSync(join(dir!, file.fileName)).length).toBeGreaterThan(1000);
      const idColumn = file.header.indexOf('身份证号');
      const ids = file.rows.map((row) => String(row[idColumn]));
      const invalid = ids.filter((id) => !(isValidIdChecksum(id) && id.startsWith(COUNTY)));
      // only the 医保 file has its two deliberately bad ID numbers (they show as rejected rows)
      expect(invalid).toHaveLength(file.source === 'medical' ? 2 : 0);
    }
  });

  it('seeds roster and 残联 leads once; the 医保 file imports with its rejected rows and leads', async () => {
    const server = await startTestServer({ now: () => new Date('2026-11-03T02:00:00Z') });
    try {
      const county = await server.login('demo-county');
      const seeded = await leadsOf(server, county, COUNTY, 'source=disability&period=2026-Q3&pageSize=500');
      expect(seeded.total).toBeGreaterThan(0);
      for (const lead of seeded.leads) expect(lead.rule).toBe('disability.severe');
      // something for each demo user to do: the county queue, and leads sent to 示范村 (demo-village)
      expect(seeded.leads.some((l: any) => l.state === '待分派')).toBe(true);
      const villageLeads = await leadsOf(server, await server.login('demo-village'), '532301101201');
      expect(villageLeads.total).toBeGreaterThan(0);
      for (const lead of villageLeads.leads) expect(lead.state).toBe('已下发村');
      const roster = await server.deps.db.get<{ n: number }>('SELECT COUNT(DISTINCT id_number) AS n FROM roster_people WHERE county_code = ?', [COUNTY]);
      expect(roster!.n).toBe(160);
      // seeding again creates nothing new
      await runDemoSeed(server.deps);
      expect((await leadsOf(server, county, COUNTY, 'source=disability&period=2026-Q3&pageSize=500')).total).toBe(seeded.total);
      expect(await server.deps.db.get("SELECT COUNT(*) AS n FROM imports WHERE state = 'committed'")).toEqual({ n: 2 });

      const medical = buildDemoFiles().find((f) => f.source === 'medical')!;
      const { dryRun, committed } = await importFile(server, county, {
        buffer: readFileSync(join(demoFilesDir()!, medical.fileName)),
        fileName: medical.fileName,
        source: 'medical',
        period: '2026-10',
      });
      expect(dryRun.summary.rejectedCount).toBe(2);
      expect(dryRun.summary.excluded.covered).toBeGreaterThan(0);
      expect(dryRun.summary.excluded.belowThreshold).toBeGreaterThan(0);
      expect(committed.summary.leadsNew).toBeGreaterThan(30);
      expect(committed.summary.unassigned).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
