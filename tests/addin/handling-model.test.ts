/**
 * The 接办流程 pane's model: blank ledger cells stay unanswered and block the write-back until
 * the clerk answers, 城市/农村 comes from the unit, and a row moved to 办理中 carries 核实日期 and
 * 核实结果 so that the ledger core's own validation has nothing to say about its status.
 */
import { demoWorkbook } from '../../addin/host/demo-workbook';
import { areaOfUnit, confirmation, prefill, rowAt, type Answers } from '../../addin/panes/handling/model';
import type { LedgerSnapshot } from '../../addin/host/ledger-host';
import { columnByKey, type ColumnKey } from '../../ledger/columns';
import { locateLedgerHeader } from '../../ledger/sheet';
import type { LedgerValues } from '../../ledger/types';
import { validateSheet } from '../../ledger/validate';

const TODAY = '2026-10-20';

/** The clean demo ledger (示例甲 on row 3: 申请意愿, 申请能力, 核实日期 and 核实结果 blank, 待核实). */
function demoSheet(): unknown[][] {
  const sheet = demoWorkbook({ today: TODAY }).sheets![0];
  return sheet.values.map((row) => [...row]);
}

function snapshotOf(values: unknown[][]): LedgerSnapshot {
  const sheet = { name: '台账', values };
  const header = locateLedgerHeader(sheet)!;
  return { id: 1, sheetName: '台账', sheet, header };
}

/** Writes values into an Excel row of the sheet by column header, as the host does. */
function writeRow(values: unknown[][], excelRow: number, written: LedgerValues): void {
  const headers = values[1];
  for (const [key, value] of Object.entries(written)) {
    const index = headers.indexOf(columnByKey(key as ColumnKey).header);
    expect(index).toBeGreaterThanOrEqual(0);
    values[excelRow - 1][index] = value;
  }
}

function findingsOn(values: unknown[][], excelRow: number) {
  return validateSheet({ values }, { today: TODAY }).findings.filter((f) => f.row === excelRow);
}

describe('接办流程 model: blank cells are asked, not assumed', () => {
  const values = demoSheet();
  const jia = rowAt(snapshotOf(values), 3)!;

  it('reads 示例甲 with 申请意愿 and 申请能力 blank', () => {
    expect(jia.values.name).toBe('示例甲');
    expect(jia.values.ability ?? '').toBe('');
    expect(jia.values.willingness ?? '').toBe('');
  });

  it('leaves a blank 申请能力 (and 申请意愿) unanswered instead of 能自行申请 / 未表态', () => {
    const answers = prefill(jia.values, TODAY);
    expect(answers.ableToApplyAlone).toBeNull();
    expect(answers.willing).toBeNull();
  });

  it('refuses the write-back until 申请能力 of a person willing to apply is answered, and then writes the answer', () => {
    const answers: Answers = { ...prefill(jia.values, TODAY), willing: '愿意申请', verifyResult: '符合救助条件' };
    const refused = confirmation(jia.values, ['先行救助', '临时救助'], answers, TODAY);
    expect(refused).toEqual({ ok: false, missing: ['ability'], dateProblem: null });
    const answered = confirmation(jia.values, ['协助申请', '先行救助', '临时救助'], { ...answers, ableToApplyAlone: false }, TODAY);
    expect(answered.ok).toBe(true);
    expect(answered.ok && answered.values.ability).toBe('需协助申请');
  });

  it('refuses while 申请意愿 is unanswered, and never writes an ability nobody gave', () => {
    const answers = prefill(jia.values, TODAY);
    const refused = confirmation(jia.values, ['尊重意愿持续关注'], answers, TODAY);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.missing).toContain('willing');
    const declined = confirmation(jia.values, ['尊重意愿持续关注'], { ...answers, willing: '未表态' }, TODAY);
    expect(declined.ok && declined.values).toEqual({ routes: '尊重意愿持续关注', status: '持续关注', willingness: '未表态' });
  });
});

describe('接办流程 model: 城市 or 农村 from the unit', () => {
  it('a 社区 / 居委会 is urban, a 村 is rural — by name or by unit code (001–199 社区, 200–399 村)', () => {
    expect(areaOfUnit({ village: '鹿城社区' })?.area).toBe('urban');
    expect(areaOfUnit({ village: '北关居委会' })?.area).toBe('urban');
    expect(areaOfUnit({ village: '532301001003' })?.area).toBe('urban');
    expect(areaOfUnit({ village: '示范村' })?.area).toBe('rural');
    expect(areaOfUnit({ village: '532301101201' })?.area).toBe('rural');
  });

  it('a unit that says neither is left for the clerk, and an income then needs the answer', () => {
    expect(areaOfUnit({ village: '东片区' })).toBeUndefined();
    expect(areaOfUnit({})).toBeUndefined();
    const answers = prefill({ village: '东片区', willingness: '不愿申请', verifiedOn: '2026-10-10', verifyResult: '不符合但需关注' }, TODAY);
    expect(answers.area).toBeNull();
    const refused = confirmation({ village: '东片区' }, ['尊重意愿持续关注'], { ...answers, income: '300' }, TODAY);
    expect(!refused.ok && refused.missing).toEqual(['area']);
  });

  it('the pre-filled area of a community row is urban', () => {
    expect(prefill({ village: '鹿城社区' }, TODAY).area).toBe('urban');
    expect(prefill({ village: '示范村' }, TODAY).area).toBe('rural');
  });
});

describe('接办流程 model: 办理中 only with 核实日期 and 核实结果', () => {
  it('asks for 核实结果 (核实日期 defaults to today) before 办理中 on an unverified row', () => {
    const values = demoSheet();
    const jia = rowAt(snapshotOf(values), 3)!;
    const answers: Answers = { ...prefill(jia.values, TODAY), willing: '愿意申请', ableToApplyAlone: false, emergency: true };
    expect(answers.verifiedOn).toBe(TODAY);
    const refused = confirmation(jia.values, ['协助申请', '先行救助'], answers, TODAY);
    expect(refused).toEqual({ ok: false, missing: ['verifyResult'], dateProblem: null });
  });

  it('refuses a 核实日期 after today or before the 发现日期', () => {
    const values = demoSheet();
    const jia = rowAt(snapshotOf(values), 3)!;
    const answers: Answers = { ...prefill(jia.values, TODAY), willing: '愿意申请', ableToApplyAlone: true, verifyResult: '符合救助条件' };
    const future = confirmation(jia.values, ['先行救助'], { ...answers, verifiedOn: '2026-10-21' }, TODAY);
    expect(!future.ok && future.dateProblem).toEqual({ kind: 'future' });
    const early = confirmation(jia.values, ['先行救助'], { ...answers, verifiedOn: '2026-01-01' }, TODAY);
    expect(!early.ok && early.dateProblem).toEqual({ kind: 'beforeFound', foundOn: jia.values.foundOn });
  });

  it('the row written back passes the ledger validation without the 办理中 / 核实 finding', () => {
    const values = demoSheet();
    const jia = rowAt(snapshotOf(values), 3)!;
    // what the old pane wrote (办理中 alone) is what 台账校验 flags: the check below can fail
    const unverified = demoSheet();
    writeRow(unverified, 3, { routes: '先行救助、临时救助', status: '办理中', willingness: '愿意申请', ability: '能自行申请' });
    expect(findingsOn(unverified, 3).map((f) => f.code)).toContain('status.inconsistent');

    const answers: Answers = {
      ...prefill(jia.values, TODAY),
      willing: '愿意申请',
      ableToApplyAlone: false,
      emergency: true,
      verifyResult: '符合救助条件',
    };
    const done = confirmation(jia.values, ['协助申请', '先行救助', '临时救助'], answers, TODAY);
    if (!done.ok) throw new Error(`refused: ${done.missing.join()}`);
    expect(done.values).toEqual({
      routes: '协助申请、先行救助、临时救助',
      status: '办理中',
      willingness: '愿意申请',
      ability: '需协助申请',
      verifiedOn: TODAY,
      verifyResult: '符合救助条件',
    });
    writeRow(values, 3, done.values);
    expect(findingsOn(values, 3)).toEqual([]);
  });

  it('keeps a verification already on the row and does not ask again', () => {
    const values = { name: '示例', foundOn: '2026-10-01', verifiedOn: '2026-10-05', verifyResult: '符合救助条件', willingness: '愿意申请', ability: '能自行申请' } as const;
    const answers = prefill(values, TODAY);
    const done = confirmation(values, ['纳入低保'], { ...answers, area: 'rural' }, TODAY);
    expect(done.ok && done.values).toEqual({ routes: '纳入低保', status: '办理中', willingness: '愿意申请', ability: '能自行申请' });
  });
});
