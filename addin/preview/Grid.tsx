/**
 * The preview's stand-in for the Excel grid: the memory host's sheet as a table with column
 * letters and row numbers, the add-in's marks (red errors, yellow warnings), the selected cell,
 * and editing as in Excel (type or F2/Enter/double-click to edit, Enter to commit, Esc to cancel,
 * arrows to move). Hidden columns (记录ID, 版本号) stay hidden, as Excel shows them.
 */
import { useEffect, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { cellA1 } from '../host/a1';
import type { SelectedCell } from '../host/ledger-host';
import type { MemoryHost } from '../host/memory-host';
import { defined } from '../../ledger/defined';

const useStyles = makeStyles({
  wrap: { overflow: 'auto', flex: 1, minHeight: 0, outline: 'none', background: '#fff', border: `1px solid ${tokens.colorNeutralStroke1}` },
  table: { borderCollapse: 'collapse', fontSize: '12px', tableLayout: 'fixed' },
  corner: { position: 'sticky', top: 0, left: 0, zIndex: 3, background: '#f3f2f1', width: '36px', border: '1px solid #d1d1d1' },
  colHead: { position: 'sticky', top: 0, zIndex: 2, background: '#f3f2f1', border: '1px solid #d1d1d1', fontWeight: 400, color: '#444', height: '20px' },
  rowHead: { position: 'sticky', left: 0, zIndex: 1, background: '#f3f2f1', border: '1px solid #d1d1d1', textAlign: 'center', color: '#444', width: '36px' },
  cell: {
    border: '1px solid #e1e1e1',
    padding: '1px 4px',
    height: '20px',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    cursor: 'cell',
    color: '#222',
  },
  error: { background: '#fde7e9' },
  warning: { background: '#fff4ce' },
  selected: { outline: '2px solid #217346', outlineOffset: '-2px' },
  headerRow: { fontWeight: 600, background: '#f7f7f7' },
  overflow: { overflow: 'visible', fontWeight: 600, fontSize: '13px' },
  editor: { width: '100%', boxSizing: 'border-box', font: 'inherit', border: 'none', outline: 'none', padding: 0 },
});

/** Excel-like column widths (characters → px) for the ledger's header texts. */
function widthOf(header: string, index: number): number {
  if (index === 0) return 46;
  if (/身份号码|记录ID/.test(header)) return 150;
  if (/电话/.test(header)) return 100;
  if (/住址|困难情形|人员类别|处置方式|备注|走访记录/.test(header)) return 140;
  return Math.max(64, Math.min(120, header.length * 14 + 12));
}

export interface GridProps {
  host: MemoryHost;
  sheetName: string;
}

export function Grid({ host, sheetName }: GridProps) {
  const styles = useStyles();
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const [editing, setEditing] = useState<{ a1: string; text: string } | null>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [selection, setSelection] = useState<SelectedCell | null>(null);
  useEffect(
    () =>
      host.subscribe((event) => {
        if (event.type === 'selection') setSelection(event.selection);
        refresh();
      }),
    [host],
  );

  const sheet = host.sheet(sheetName);
  const rowCount = Math.max(sheet.values.length + 3, 25);
  const colCount = Math.max(...sheet.values.map((row) => row.length), 10);
  // Recomputed on every render: hiddenColumns is changed in place, and a few dozen columns cost nothing.
  const columns = Array.from({ length: colCount }, (_, c) => c).filter((c) => !sheet.hiddenColumns.has(c));
  const headerTexts = sheet.values[1] ?? [];
  const selectedA1 = selection && selection.sheetName === sheetName ? selection.cell : null;

  useEffect(() => {
    if (!selectedA1 || !wrap.current) return;
    wrap.current.querySelector(`[data-cell="${selectedA1}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [selectedA1]);

  function move(dr: number, dc: number) {
    const current = selection;
    const row = Math.max(1, Math.min(rowCount, (current?.excelRow ?? 1) + dr));
    const at = columns.indexOf(current?.column ?? 0);
    const column = columns[Math.max(0, Math.min(columns.length - 1, (at < 0 ? 0 : at) + dc))];
    host.select(cellA1(row, column), sheetName);
  }

  function commit() {
    if (!editing) return;
    const text = editing.text;
    const number = /^-?\d+(\.\d+)?$/.test(text) && text.length < 12 ? Number(text) : null;
    host.edit(sheetName, editing.a1, number ?? text);
    setEditing(null);
    wrap.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (editing) return;
    const keys: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Tab: [0, event.shiftKey ? -1 : 1] };
    if (keys[event.key]) {
      event.preventDefault();
      move(...keys[event.key]);
    } else if ((event.key === 'Enter' || event.key === 'F2') && selectedA1) {
      event.preventDefault();
      const chosen = defined(selection, 'the selection');
    const [r, c] = [chosen.excelRow - 1, chosen.column];
      setEditing({ a1: selectedA1, text: String(sheet.values[r]?.[c] ?? '') });
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && selectedA1) {
      event.preventDefault();
      host.edit(sheetName, selectedA1, '');
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && selectedA1) {
      event.preventDefault();
      setEditing({ a1: selectedA1, text: event.key });
    }
  }

  return (
    <div
      ref={wrap}
      className={styles.wrap}
      tabIndex={0}
      role="grid"
      aria-label={`工作表“${sheetName}”（方向键移动，回车或 F2 编辑）`}
      aria-rowcount={rowCount}
      onKeyDown={onKeyDown}
      data-testid="preview-grid"
    >
      <table className={styles.table} style={{ width: 36 + columns.reduce((sum, c) => sum + widthOf(String(headerTexts[c] ?? ''), c), 0) }}>
        <colgroup>
          <col style={{ width: 36 }} />
          {columns.map((c) => (
            <col key={c} style={{ width: widthOf(String(headerTexts[c] ?? ''), c) }} />
          ))}
        </colgroup>
        <thead>
          <tr>
            <th className={styles.corner} aria-hidden />
            {columns.map((c) => (
              <th key={c} className={styles.colHead} scope="col">
                {cellA1(1, c).replace(/\d+$/, '')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: rowCount }, (_, r) => (
            <tr key={r} role="row">
              <th className={styles.rowHead} scope="row">
                {r + 1}
              </th>
              {columns.map((c) => {
                const a1 = cellA1(r + 1, c);
                const value = sheet.values[r]?.[c];
                const mark = sheet.marks.get(a1);
                const className = mergeClasses(
                  styles.cell,
                  r === 1 && styles.headerRow,
                  r === 0 && styles.overflow,
                  mark === 'error' && styles.error,
                  mark === 'warning' && styles.warning,
                  a1 === selectedA1 && styles.selected,
                );
                return (
                  <td
                    key={c}
                    role="gridcell"
                    data-cell={a1}
                    data-mark={mark}
                    aria-selected={a1 === selectedA1}
                    className={className}
                    title={value === undefined || value === '' ? undefined : String(value)}
                    onMouseDown={() => host.select(a1, sheetName)}
                    onDoubleClick={() => setEditing({ a1, text: String(value ?? '') })}
                  >
                    {editing?.a1 === a1 ? (
                      <input
                        className={styles.editor}
                        aria-label={`编辑 ${a1}`}
                        autoFocus
                        value={editing.text}
                        onChange={(e) => setEditing({ a1, text: e.target.value })}
                        onBlur={commit}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') {
                            e.preventDefault();
                            commit();
                            move(1, 0);
                          } else if (e.key === 'Escape') {
                            setEditing(null);
                            wrap.current?.focus();
                          }
                        }}
                      />
                    ) : value === undefined || value === null ? (
                      ''
                    ) : (
                      String(value)
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
