/**
 * The SQL join of the benchmark as an oracle: on fabricated data the pure matcher and the SQL
 * selection (GROUP BY sum, LEFT JOIN roster where not covered, 特困 inpatient) pick the same people.
 */
import { fabricateMatchingData, openSqlBaseline, runPure, runSql } from '../../bench/matching.bench';

describe('matcher vs SQL join (medical rules)', () => {
  it('selects the same people with the same rule', async () => {
    const data = fabricateMatchingData(6000, 3000, 7);
    const db = await openSqlBaseline(data);
    try {
      const pure = runPure(data, undefined, true);
      const sql = await runSql(db, true);
      expect(pure.counts['medical.high_self_paid']).toBeGreaterThan(50);
      expect(pure.counts['medical.tekun_inpatient']).toBeGreaterThan(5);
      expect(pure.counts).toEqual(sql.counts);
      expect(pure.ids).toEqual(sql.ids);
    } finally {
      await new Promise<void>((resolve) => db.close(() => resolve()));
    }
  });
});
