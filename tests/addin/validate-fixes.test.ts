/**
 * The 台账校验 pane's one-click fixes per cell (fixForCell), including the cells the quick
 * "already tidy" scan lets through untouched: every full-width form, ideographic space or
 * trimmable character at either end must still get its fix.
 */
import { fixForCell } from '../../addin/panes/validate/model';

const TODAY = '2026-10-30';

describe('fixForCell', () => {
  it('leaves tidy text, numbers and machine columns alone', () => {
    expect(fixForCell('name', '张三', TODAY)).toBeNull();
    expect(fixForCell('address', '鹿城镇 3组 12号', TODAY)).toBeNull(); // inner spaces are content
    expect(fixForCell('phone', '13812345678', TODAY)).toBeNull();
    expect(fixForCell('foundOn', '2026-10-05', TODAY)).toBeNull();
    expect(fixForCell('householdSize', 4, TODAY)).toBeNull();
    expect(fixForCell('rowId', ' abc ', TODAY)).toBeNull();
  });

  it('half-widths full-width forms anywhere in a digits column, and trims', () => {
    expect(fixForCell('phone', '138１２３45678', TODAY)).toEqual({ kind: 'halfWidth', after: '13812345678' });
    expect(fixForCell('foundOn', '2026－10－05', TODAY)).toEqual({ kind: 'halfWidth', after: '2026-10-05' });
    expect(fixForCell('phone', '13812345678\u3000', TODAY)).toEqual({ kind: 'trim', after: '13812345678' });
    expect(fixForCell('phone', '0878\u30003123456', TODAY)).toEqual({ kind: 'halfWidth', after: '0878 3123456' });
  });

  it('trims every kind of space at either end of a text cell, never inside', () => {
    for (const space of [' ', '\t', '\n', '\u00a0', '\u3000', '\u2002', '\u202f', '\ufeff']) {
      expect(fixForCell('name', `${space}张三`, TODAY)).toEqual({ kind: 'trim', after: '张三' });
      expect(fixForCell('name', `张三${space}`, TODAY)).toEqual({ kind: 'trim', after: '张三' });
    }
    expect(fixForCell('name', '\u3000', TODAY)).toBeNull(); // nothing left: not a fix
    expect(fixForCell('name', '欧阳\u3000娜娜', TODAY)).toBeNull(); // a name's inner space is the clerk's business
  });
});
