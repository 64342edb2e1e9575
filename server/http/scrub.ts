/**
 * Personal data shapes in free text: detected (client request ids, audit entries, ID-shaped fixes
 * of findings) and masked (logs, findings shown to units that see masked ID numbers).
 *
 * Digits may be full-width (５３２３０１…): a ledger cell typed with a Chinese IME keeps them, and the
 * texts that quote such a cell must not slip past a half-width-only pattern.
 */
const ID_NUMBER_SHAPE = /(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ])([0-9０-９]{17}[0-9０-９XxＸｘ]|[0-9０-９]{15})(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])/;
const MOBILE_SHAPE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

/** True when the text holds something shaped like an ID number (15 or 18 characters, half- or full-width). */
export function looksLikeIdNumber(text: string): boolean {
  return ID_NUMBER_SHAPE.test(text);
}

/** True when the text looks like it carries an ID number or a mobile number. */
export function looksPersonal(text: string): boolean {
  return looksLikeIdNumber(text) || MOBILE_SHAPE.test(text);
}

/** Last line of defence for log text: masks anything shaped like an ID number or a mobile number. */
const ID_NUMBER = /(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ])([0-9０-９]{6})[0-9０-９]{8,11}([0-9０-９XxＸｘ])(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])/g;
const MOBILE = /(?<!\d)(1[3-9]\d)\d{8}(?!\d)/g;

/** Every ID-shaped run (15–18 digits, half- or full-width) masked to its first 6 and last characters. */
export function scrubIdNumbers(text: string): string {
  return text.replace(ID_NUMBER, '$1********$2');
}

export function scrubText(text: string): string {
  return scrubIdNumbers(text).replace(MOBILE, '$1********');
}
