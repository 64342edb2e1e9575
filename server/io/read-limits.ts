/**
 * Limits on what reading one uploaded spreadsheet may cost, so a decompression bomb (a small xlsx
 * that inflates to gigabytes, one 300 MB string, thousands of zip entries) is refused with a clear
 * message instead of filling memory or the disk.
 *
 * Sized for a legitimate 300,000-row departmental file (measured: its worksheet inflates to
 * 108 MB at a ratio of 6:1, its shared strings to 7 MB, 10 zip entries): every default leaves
 * roughly ten times that room. Each is configurable (server/config.ts, docs/operations.md).
 */
import { basename } from 'path';
import { Transform, type TransformCallback } from 'stream';
import yauzl from 'yauzl';
import { TableReadError } from './table-read-error';
import type { LocalizedText } from '../../ledger/text';

export interface ReadLimits {
  /** Entries in the zip's central directory (a normal xlsx has 10–40). */
  maxZipEntries: number;
  /** Uncompressed bytes of any one zip entry (e.g. one worksheet). */
  maxEntryBytes: number;
  /** Uncompressed bytes of all zip entries together. */
  maxTotalBytes: number;
  /** Uncompressed ÷ compressed size of an entry larger than RATIO_FLOOR_BYTES (normal sheets: 5–20). */
  maxCompressionRatio: number;
  /** Uncompressed bytes of the shared-strings part, which is held in memory while the sheet is read. */
  maxSharedStringsBytes: number;
  /** Bytes of one run of text or one tag (one cell's text, one attribute); Excel's cell limit is 32,767 characters. */
  maxTextBytes: number;
  /** Rows read from a csv file, or from all the sheets read of a workbook together (Excel’s own limit is 1,048,576 per sheet). */
  maxRows: number;
  /** Columns of one row. */
  maxColumns: number;
  /** Rows × columns of a sheet read whole into memory (readTableFile: CLI, ledger uploads). */
  maxCells: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxZipEntries: 1000,
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 2 * 1024 ** 3,
  maxCompressionRatio: 100,
  maxSharedStringsBytes: 64 * 1024 ** 2,
  maxTextBytes: 1024 ** 2,
  maxRows: 1_048_576,
  maxColumns: 1000,
  maxCells: 50_000_000,
};

/**
 * For a workbook read whole into memory on the server (a village's ledger upload, a few thousand rows):
 * the file is inflated and modelled in memory at once, so the caps are far lower than for the streamed
 * departmental files.
 */
export const IN_MEMORY_READ_LIMITS: Partial<ReadLimits> = {
  maxEntryBytes: 64 * 1024 ** 2,
  maxTotalBytes: 96 * 1024 ** 2,
  maxSharedStringsBytes: 32 * 1024 ** 2,
  maxRows: 200_000,
  maxCells: 5_000_000,
};

/** Entries this small are never refused for their ratio (a few KB of repeated styles compress well). */
export const RATIO_FLOOR_BYTES = 1024 ** 2;

/** Which limit a file ran into; named in the error so an administrator knows which setting to look at. */
export type ReadLimitName = keyof ReadLimits;

/** The environment variable of each limit (docs/operations.md). */
export const READ_LIMIT_ENV: Record<ReadLimitName, string> = {
  maxZipEntries: 'IMPORT_MAX_ZIP_ENTRIES',
  maxEntryBytes: 'IMPORT_MAX_ENTRY_BYTES',
  maxTotalBytes: 'IMPORT_MAX_TOTAL_BYTES',
  maxCompressionRatio: 'IMPORT_MAX_COMPRESSION_RATIO',
  maxSharedStringsBytes: 'IMPORT_MAX_SHARED_STRINGS_BYTES',
  maxTextBytes: 'IMPORT_MAX_TEXT_BYTES',
  maxRows: 'IMPORT_MAX_ROWS',
  maxColumns: 'IMPORT_MAX_COLUMNS',
  maxCells: 'IMPORT_MAX_CELLS',
};

export function resolveReadLimits(overrides?: Partial<ReadLimits>): ReadLimits {
  return { ...DEFAULT_READ_LIMITS, ...(overrides ?? {}) };
}

/** A file over one of the read limits: zh-CN and en-US messages say which limit and what to do. */
export class ReadLimitError extends TableReadError {
  constructor(
    readonly limit: ReadLimitName,
    zh: string,
    en: string,
  ) {
    super('limit_exceeded', zh, en);
    this.name = 'ReadLimitError';
  }
}

function mb(bytes: number): string {
  return bytes >= 1024 ** 2 ? `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

const SAVE_AS_ZH = '请在 Excel 或 WPS 中打开该文件，删去无关的工作表、行和列后“另存为”新的 .xlsx 再导入';
const SAVE_AS_EN = 'open it in Excel or WPS, delete unrelated sheets, rows and columns, save it as a new .xlsx and upload that';
function adminHint(limit: ReadLimitName): LocalizedText {
  return {
    zh: `；如确属正常文件，请管理员调整 ${READ_LIMIT_ENV[limit]}`,
    en: `; if the file is genuine, an administrator can raise ${READ_LIMIT_ENV[limit]}`,
  };
}

export function limitError(limit: ReadLimitName, file: string, what: LocalizedText, todo?: LocalizedText): ReadLimitError {
  const hint = adminHint(limit);
  const action = todo ?? { zh: SAVE_AS_ZH, en: SAVE_AS_EN };
  return new ReadLimitError(
    limit,
    `${file} 超出读取上限，已停止读取：${what.zh}。${action.zh}${hint.zh}。`,
    `${file} exceeds a read limit and was not read: ${what.en}. Please ${action.en}${hint.en}.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Central directory

export interface ZipEntryInfo {
  entry: yauzl.Entry;
  name: string;
  compressed: number;
  uncompressed: number;
}

export interface InspectedZip {
  zip: yauzl.ZipFile;
  entries: Map<string, ZipEntryInfo>;
  totalUncompressed: number;
  close(): void;
}

/**
 * Reads the zip's central directory (nothing is inflated) and refuses the file when the entry
 * count, any entry's declared size or ratio, or the declared total is over the limits. The sizes
 * are the file's own claims: ZipEntryStream checks the real inflated bytes against them.
 */
export async function inspectZip(path: string, limits: ReadLimits): Promise<InspectedZip> {
  const file = basename(path);
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  const entries = new Map<string, ZipEntryInfo>();
  let total = 0;
  try {
    if (zip.entryCount > limits.maxZipEntries) {
      throw limitError('maxZipEntries', file, {
        zh: `压缩包内有 ${zip.entryCount} 个条目，上限为 ${limits.maxZipEntries} 个（普通 Excel 工作簿只有几十个）`,
        en: `the zip holds ${zip.entryCount} entries, the limit is ${limits.maxZipEntries} (an ordinary workbook has a few dozen)`,
      });
    }
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const info: ZipEntryInfo = { entry, name: entry.fileName, compressed: entry.compressedSize, uncompressed: entry.uncompressedSize };
        try {
          checkEntry(info, file, limits);
          total += info.uncompressed;
          if (total > limits.maxTotalBytes) {
            throw limitError('maxTotalBytes', file, {
              zh: `全部内容解压后超过 ${mb(limits.maxTotalBytes)}`,
              en: `its contents inflate to more than ${mb(limits.maxTotalBytes)}`,
            }, { zh: '请把文件拆分成几个较小的文件分别导入', en: 'split it into smaller files and upload them one by one' });
          }
        } catch (error) {
          reject(error);
          return;
        }
        entries.set(info.name, info);
        zip.readEntry();
      });
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  return { zip, entries, totalUncompressed: total, close: () => zip.close() };
}

function checkEntry(info: ZipEntryInfo, file: string, limits: ReadLimits): void {
  const part = info.name;
  if (info.uncompressed > limits.maxEntryBytes) {
    throw limitError('maxEntryBytes', file, {
      zh: `其中的 ${part} 解压后有 ${mb(info.uncompressed)}，单个部分上限为 ${mb(limits.maxEntryBytes)}`,
      en: `its part ${part} inflates to ${mb(info.uncompressed)}, the limit for one part is ${mb(limits.maxEntryBytes)}`,
    }, { zh: '请把文件拆分成几个较小的文件分别导入', en: 'split it into smaller files and upload them one by one' });
  }
  if (info.uncompressed > RATIO_FLOOR_BYTES) {
    const ratio = info.uncompressed / Math.max(1, info.compressed);
    if (ratio > limits.maxCompressionRatio) {
      throw limitError('maxCompressionRatio', file, {
        zh: `其中的 ${part} 压缩比为 ${Math.round(ratio)}:1，上限为 ${limits.maxCompressionRatio}:1（疑似“压缩炸弹”，正常表格约为 5:1 至 20:1）`,
        en: `its part ${part} has a compression ratio of ${Math.round(ratio)}:1, the limit is ${limits.maxCompressionRatio}:1 (looks like a decompression bomb; ordinary sheets are 5:1 to 20:1)`,
      });
    }
  }
  if (part === 'xl/sharedStrings.xml' && info.uncompressed > limits.maxSharedStringsBytes) {
    throw limitError('maxSharedStringsBytes', file, {
      zh: `其共享文本部分（${part}）解压后有 ${mb(info.uncompressed)}，上限为 ${mb(limits.maxSharedStringsBytes)}`,
      en: `its shared-strings part (${part}) inflates to ${mb(info.uncompressed)}, the limit is ${mb(limits.maxSharedStringsBytes)}`,
    }, { zh: '请把文件拆分成几个较小的文件分别导入', en: 'split it into smaller files and upload them one by one' });
  }
}

// ---------------------------------------------------------------------------------------------
// Inflating one entry

/**
 * Passes an entry's inflated bytes through, decoded as UTF-8 (characters split across chunks are
 * kept), and fails as soon as the bytes pass `maxBytes` (the file may lie in its central directory)
 * or a run of bytes without '<' — one text or one tag — passes maxTextBytes.
 */
export class ZipEntryGuard extends Transform {
  inflated = 0;
  private run = 0;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly file: string,
    private readonly part: string,
    private readonly maxBytes: number,
    private readonly maxBytesLimit: ReadLimitName,
    private readonly maxTextBytes: number,
  ) {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.inflated += chunk.length;
    if (this.inflated > this.maxBytes) {
      done(
        limitError(this.maxBytesLimit, this.file, {
          zh: `其中的 ${this.part} 解压后超过 ${mb(this.maxBytes)}`,
          en: `its part ${this.part} inflates to more than ${mb(this.maxBytes)}`,
        }, { zh: '请把文件拆分成几个较小的文件分别导入', en: 'split it into smaller files and upload them one by one' }),
      );
      return;
    }
    let from = 0;
    for (;;) {
      const lt = chunk.indexOf(0x3c, from);
      if (lt < 0) {
        this.run += chunk.length - from;
        break;
      }
      this.run += lt - from;
      if (this.run > this.maxTextBytes) break;
      this.run = 0;
      from = lt + 1;
    }
    if (this.run > this.maxTextBytes) {
      done(
        limitError('maxTextBytes', this.file, {
          zh: `其中的 ${this.part} 含有超过 ${mb(this.maxTextBytes)} 的单段文本（Excel 单元格最多 32767 个字符）`,
          en: `its part ${this.part} holds a text longer than ${mb(this.maxTextBytes)} (an Excel cell holds at most 32,767 characters)`,
        }),
      );
      return;
    }
    const text = this.decoder.decode(chunk, { stream: true });
    done(null, text.length > 0 ? text : undefined);
  }

  override _flush(done: TransformCallback): void {
    const rest = this.decoder.decode();
    done(null, rest.length > 0 ? rest : undefined);
  }
}

/** Opens one entry for reading through a ZipEntryGuard capped at `maxBytes` (and the declared size). */
export async function openGuardedEntry(
  inspected: InspectedZip,
  info: ZipEntryInfo,
  file: string,
  limits: ReadLimits,
  cap: { bytes: number; limit: ReadLimitName },
): Promise<ZipEntryGuard> {
  const raw = await inspected.zip.openReadStreamPromise(info.entry);
  const guard = new ZipEntryGuard(file, info.name, cap.bytes, cap.limit, limits.maxTextBytes);
  raw.on('error', (error: Error) => guard.destroy(toReadError(error, file, info.name)));
  guard.on('close', () => raw.destroy());
  return raw.pipe(guard);
}

/** yauzl's "too many bytes in the stream" (inflated more than declared) is a limit, not just corruption. */
function toReadError(error: Error, file: string, part: string): Error {
  if (/too many bytes|expected .* bytes/i.test(error.message)) {
    return limitError('maxEntryBytes', file, {
      zh: `其中的 ${part} 解压后比文件自己声明的大小更大（文件被篡改或损坏）`,
      en: `its part ${part} inflates to more than the size the file declares (tampered with or corrupt)`,
    });
  }
  return error;
}
