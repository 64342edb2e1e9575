/** ledger/upload-plan.ts: an uploaded ledger's rows → sync changes, nothing overwritten or deleted silently. */
import type { LedgerValues } from '../../ledger/types';
import { pairedServerRow, planUpload, serverRowsByIdNumber, type ServerRowRef } from '../../ledger/upload-plan';
import type { ParsedRow } from '../../ledger/validation/cells';

const A = '6f1c2a9e-3b7d-4c55-9a01-2f6e8d4b7c10';
const B = '7a2d3b0f-4c8e-4d66-8b12-3a7f9e5c8d21';
const C = '8b3e4c1a-5d9f-4e77-9c23-4b8a0f6d9e32';
const server: ServerRowRef[] = [
  { rowId: A, version: 3, values: { name: '张三', idNumber: '532301198001010011', notes: '旧' } },
  { rowId: B, version: 1, values: { name: '李四', idNumber: '53230119900202003X' } },
  { rowId: C, version: 2, values: { name: '王五', idNumber: '532301197003030038' } },
];
const row = (excelRow: number, values: LedgerValues): ParsedRow => ({ excelRow, values, raw: [] });
let counter = 0;
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

describe('planUpload', () => {
  it('matches by 记录ID with the file’s 版本号 as base; unchanged rows are not sent; missing rows are not deleted', () => {
    const plan = planUpload(
      [
        row(3, { rowId: A.toUpperCase(), version: 3, name: '张三', idNumber: '532301198001010011', notes: '新' }),
        row(4, { rowId: B, version: 1, name: '李四', idNumber: '53230119900202003X' }),
      ],
      server,
      newId,
    );
    expect(plan.changes).toEqual([{ rowId: A, baseVersion: 3, values: { name: '张三', idNumber: '532301198001010011', notes: '新' }, excelRow: 3, match: 'rowId' }]);
    expect(plan.unchanged).toBe(1);
    expect(plan.notInFile).toBe(1); // 王五 stays on the server
    expect(plan.problems).toEqual([]);
  });

  it('a stale 版本号 is kept as the base (the server merges or returns a conflict)', () => {
    const plan = planUpload([row(3, { rowId: A, version: 2, name: '张三', idNumber: '532301198001010011', notes: '旧' })], server, newId);
    expect(plan.changes[0]).toMatchObject({ rowId: A, baseVersion: 2 });
  });

  it('without 记录ID: matched by ID number with base version 0 (every differing field becomes a conflict), else a new row', () => {
    const plan = planUpload(
      [row(5, { name: '李四', idNumber: '53230119900202003x', notes: '手工录入' }), row(6, { name: '新人', idNumber: '532301200001010018' })],
      server,
      newId,
    );
    expect(plan.changes.map((c) => [c.excelRow, c.rowId, c.baseVersion, c.match])).toEqual([
      [5, B, 0, 'idNumber'],
      [6, '00000000-0000-4000-8000-000000000001', 0, 'new'],
    ]);
  });

  it('refuses a 记录ID of another village (with a version), the same record twice, and an ambiguous ID number', () => {
    const twice: ServerRowRef[] = [...server, { rowId: '9c4f5d2b-6e0a-4f88-8d34-5c9b1a7e0f43', version: 1, values: { idNumber: '532301197003030038' } }];
    const plan = planUpload(
      [
        row(3, { rowId: '1d2e3f4a-0000-4000-8000-000000000099', version: 4, name: '外村' }),
        row(4, { rowId: A, version: 3, name: '张三改' }),
        row(5, { name: '张三', idNumber: '532301198001010011' }),
        row(6, { name: '王五', idNumber: '532301197003030038' }),
      ],
      twice,
      newId,
    );
    expect(plan.problems.map((p) => [p.row, p.code])).toEqual([
      [3, 'upload.unknown_row'],
      [5, 'upload.repeated_row'],
      [6, 'upload.ambiguous_id'],
    ]);
    expect(plan.problems[1].message).toContain('第4行');
    expect(plan.changes.map((c) => c.excelRow)).toEqual([4]);
  });

  it('a 记录ID the server does not know, without a version, is a new row under that id (made offline)', () => {
    const id = '2e3f4a5b-0000-4000-8000-000000000042';
    expect(planUpload([row(3, { rowId: id, name: '离线新增' })], server, newId).changes[0]).toMatchObject({ rowId: id, baseVersion: 0, match: 'rowId' });
  });

  it('pairs by ID number only a real one with the same name: not an Excel-mangled number, not a bad checksum, not another name', () => {
    const mangled = '532301199001011000'; // what Excel leaves of an ID typed as a number: people born that day share it
    const rows: ServerRowRef[] = [...server, { rowId: '9c4f5d2b-6e0a-4f88-8d34-5c9b1a7e0f43', version: 1, values: { name: '张三甲', idNumber: mangled } }];
    const byId = serverRowsByIdNumber(rows);
    expect(pairedServerRow({ name: '李四乙', idNumber: mangled }, byId)).toEqual({ ambiguous: false, row: undefined });
    expect(pairedServerRow({ name: '张三', idNumber: '532301198001010012' }, byId).row).toBeUndefined(); // checksum wrong
    expect(pairedServerRow({ name: '张三丰', idNumber: '532301198001010011' }, byId).row).toBeUndefined(); // another person's name
    expect(pairedServerRow({ name: ' 张三', idNumber: '５３２３０１１９８００１０１００１１' }, byId).row?.rowId).toBe(A);
    expect(pairedServerRow({ idNumber: '532301198001010011' }, byId).row?.rowId).toBe(A); // no name on the row: the ID decides
  });
});
