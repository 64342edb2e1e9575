import { capRowFindings, type RowFindings } from '../../ledger/api/sync';
import type { Finding, FindingCode } from '../../ledger/types';

function finding(code: FindingCode, severity: 'error' | 'warning' = 'error'): Finding {
  return { row: 2, column: '列', cell: 'A2', severity, code, message: 'm', hint: 'h', en: { message: 'm', hint: 'h' } };
}
function rowOf(rowId: string, findings: Finding[]): RowFindings {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { rowId, errors, warnings: findings.length - errors, findings };
}

describe('capRowFindings', () => {
  it('keeps everything under the cap and says it is complete', () => {
    const rows = [rowOf('a', [finding('required')]), rowOf('b', [finding('id.duplicate'), finding('deadline.overdue', 'warning')])];
    expect(capRowFindings(rows, 3)).toEqual({
      findings: rows,
      findingsTruncated: false,
      findingCounts: { rows: 2, errors: 2, warnings: 1, byCode: { required: 1, 'id.duplicate': 1, 'deadline.overdue': 1 } },
    });
  });

  it('cuts at whole rows, in order, and counts the rows left out', () => {
    const rows = ['a', 'b', 'c', 'd'].map((id) => rowOf(id, [finding('id.duplicate'), finding('required')]));
    const capped = capRowFindings(rows, 5);
    expect(capped.findings.map((r) => r.rowId)).toEqual(['a', 'b']);
    expect(capped.findingsTruncated).toBe(true);
    expect(capped.findingCounts).toEqual({ rows: 4, errors: 8, warnings: 0, byCode: { 'id.duplicate': 4, required: 4 } });
  });

  it('skips rows without findings and does not list a later row after a cut', () => {
    const rows = [rowOf('a', [finding('required'), finding('required')]), rowOf('b', []), rowOf('c', [finding('enum')])];
    const capped = capRowFindings(rows, 1);
    expect(capped.findings).toEqual([]);
    expect(capped.findingsTruncated).toBe(true);
    expect(capped.findingCounts.rows).toBe(2);
  });
});
