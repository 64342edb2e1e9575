import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  formatTable,
  median,
  mergeResults,
  perSecond,
  readResults,
  round,
  timeAsync,
  timeSync,
  writeResults,
  type BenchResult,
} from '../../bench/harness';
import { discoverBenches } from '../../bench/run';
import { makeTestDir } from '../temp-dirs';

const tmp = makeTestDir('bench-harness');
afterAll(() => tmp.remove());

const result = (name: string, value: number): BenchResult => ({ name, value, unit: 'rows/s', baseline: 10, ratio: round(value / 10), goal: '≥ 1 rows/s' });

describe('bench harness', () => {
  it('median, round and per-second helpers', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(round(1.23456, 2)).toBe(1.23);
    expect(perSecond(500, 250)).toBe(2000);
  });

  it('times sync and async functions: samples per repeat, result of the last run kept', async () => {
    let calls = 0;
    const sync = timeSync(() => ++calls, { warmup: 2, repeats: 3 });
    expect(calls).toBe(5);
    expect(sync.samples).toHaveLength(3);
    expect(sync.result).toBe(5);
    expect(sync.ms).toBeGreaterThanOrEqual(sync.min);
    expect(sync.cpuMs).toBeGreaterThanOrEqual(0);
    const async = await timeAsync(async () => 'x', { warmup: 0, repeats: 2 });
    expect(async.samples).toHaveLength(2);
    expect(async.result).toBe('x');
  });

  it('merges results by name: replaces in place, appends new ones, keeps the others', () => {
    const merged = mergeResults([result('a', 1), result('b', 2)], [result('b', 20), result('c', 3)]);
    expect(merged.map((r) => [r.name, r.value])).toEqual([['a', 1], ['b', 20], ['c', 3]]);
  });

  it("drops a bench's earlier results it no longer produces (a renamed measure), and keeps other benches'", () => {
    const before = mergeResults([], [result('a (3 files)', 1), result('b', 2)], 'addin');
    const withOther = mergeResults(before, [result('m', 9)], 'matching');
    const after = mergeResults(withOther, [result('a (4 files)', 5), result('b', 6)], 'addin');
    expect(after.map((r) => [r.name, r.value, r.bench])).toEqual([['b', 6, 'addin'], ['m', 9, 'matching'], ['a (4 files)', 5, 'addin']]);
  });

  it('a whole suite run replaces the file with exactly its results', () => {
    const file = tmp.path('suite.json');
    writeResults([result('old name', 1)], file);
    writeResults([result('new name', 2)], file, 'io', true);
    expect((JSON.parse(readFileSync(file, 'utf8')) as BenchResult[]).map((r) => [r.name, r.bench])).toEqual([['new name', 'io']]);
  });

  it('writes results.json merged with what was there, and survives a broken file', () => {
    const file = tmp.path('results.json');
    writeResults([result('matching', 5)], file);
    writeResults([result('validation', 7)], file);
    writeResults([result('matching', 6)], file);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as BenchResult[];
    expect(saved.map((r) => [r.name, r.value])).toEqual([['matching', 6], ['validation', 7]]);
    expect(Object.keys(saved[0]).sort()).toEqual(['baseline', 'goal', 'name', 'ratio', 'unit', 'value']);
    writeFileSync(file, '{not json');
    expect(readResults(file)).toEqual([]);
    expect(writeResults([result('x', 1)], file)).toHaveLength(1);
  });

  it('prints an aligned table with every field, null as —', () => {
    const table = formatTable([result('验证 100k rows', 123456), { ...result('other', 2), baseline: null, ratio: null }]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^name\s+value\s+unit\s+baseline\s+ratio\s+goal$/);
    expect(lines[2]).toContain('123,456');
    expect(lines[3]).toContain('—');
    expect(lines).toHaveLength(4);
  });

  it('discovers *.bench.js files, optionally only the named ones', () => {
    const dir = join(tmp.dir, 'dist-bench');
    mkdirSync(dir);
    for (const name of ['b.bench.js', 'a.bench.js', 'harness.js', 'run.js', 'a.bench.d.ts']) writeFileSync(join(dir, name), '');
    expect(discoverBenches(dir).map((f) => f.slice(dir.length + 1))).toEqual(['a.bench.js', 'b.bench.js']);
    expect(discoverBenches(dir, ['b', 'bench']).map((f) => f.slice(dir.length + 1))).toEqual(['b.bench.js']);
  });
});
