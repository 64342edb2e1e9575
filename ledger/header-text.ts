/**
 * Header text normalisation: staff type headers by hand, so 乡镇(街道), 乡镇（街道）, ' 乡镇 （街道） ',
 * 乡镇【街道】 and 姓名* all have to land on the same column. Used by locateColumns for the ledger and
 * for the county's source files alike.
 */

const OPENING = new Set(['(', '[', '{', '（', '［', '｛', '【', '〔', '〖', '〈', '《', '「', '『', '﹙']);
const CLOSING = new Set([')', ']', '}', '）', '］', '｝', '】', '〕', '〗', '〉', '》', '」', '』', '﹚']);
/** Dropped entirely: whitespace of any width, required-markers and trailing colons. */
const DROPPED = new Set([' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u200b', '\ufeff', '*', '＊', '※', ':', '：']);

/**
 * Canonical form of a header text: full-width ASCII → half-width, every bracket kind → ( ),
 * whitespace, `*` marks and colons removed, Latin letters lower-cased.
 * normalizeHeaderText(' 救助金额【元】* ') === normalizeHeaderText('救助金额（元）') === '救助金额(元)'.
 */
export function normalizeHeaderText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (DROPPED.has(ch)) continue;
    if (OPENING.has(ch)) {
      out += '(';
      continue;
    }
    if (CLOSING.has(ch)) {
      out += ')';
      continue;
    }
    const code = ch.charCodeAt(0);
    // Full-width forms U+FF01–U+FF5E map onto ASCII 0x21–0x7E.
    out += code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : ch;
  }
  return out.toLowerCase();
}

/**
 * The normalised text without a trailing parenthetical unit or remark: 家庭人口(人) → 家庭人口.
 * Used as a second chance when the full text matches no header or alias. '' when nothing is left.
 */
export function withoutTrailingParenthetical(normalized: string): string {
  if (!normalized.endsWith(')')) return normalized;
  const open = normalized.lastIndexOf('(');
  return open > 0 ? normalized.slice(0, open) : '';
}

/** Dropped from a header for display: line breaks (Alt+Enter), spaces of any width, zero-width marks. */
const DISPLAY_DROPPED = /[\s\u00a0\u3000\u200b\ufeff]+/g;
/** Required-markers and colons at either end: *姓名, 姓名*, 姓名：. */
const DISPLAY_MARKS = /^[*＊※]+|[*＊※:：]+$/g;

/**
 * A header as findings and JSON show it: the text as staff wrote it, without line breaks, spaces or
 * `*` marks — “公民身份\n号码*” → “公民身份号码”, “姓　名” → “姓名”. Brackets stay as typed.
 */
export function displayHeaderText(text: string): string {
  return text.replace(DISPLAY_DROPPED, '').replace(DISPLAY_MARKS, '');
}
