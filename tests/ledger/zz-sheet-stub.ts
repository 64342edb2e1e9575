// TEMPORARY stand-in for ledger/sheet.ts locateColumns until the validation owner lands it.
function norm(t: unknown): string {
  return String(t ?? '').replace(/[\s\u3000]/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
}
export function locateColumns(values: readonly (readonly unknown[])[], specs: { key: string; header: string; aliases: readonly string[]; required: boolean }[], maxScanRows = 10) {
  let best: any = null;
  for (let r = 0; r < Math.min(maxScanRows, values.length); r++) {
    const row = values[r] ?? [];
    const columns: { key: string; index: number; header: string }[] = [];
    row.forEach((cell, index) => {
      const n = norm(cell);
      if (!n) return;
      const spec = specs.find((s) => [s.header, ...s.aliases].map(norm).includes(n));
      if (spec && !columns.some((c) => c.key === spec.key)) columns.push({ key: spec.key, index, header: String(cell) });
    });
    if (columns.length >= 2 && (!best || columns.length > best.columns.length)) {
      best = { rowIndex: r, excelRow: r + 1, columns, missingRequired: specs.filter((s) => s.required && !columns.some((c) => c.key === s.key)).map((s) => s.key) };
    }
  }
  return best;
}
