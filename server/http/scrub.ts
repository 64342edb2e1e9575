/** Personal data shapes in free text: detected (client request ids, audit entries) and masked (logs). */
const ID_NUMBER_SHAPE = /(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/;
const MOBILE_SHAPE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

/** True when the text looks like it carries an ID number or a mobile number. */
export function looksPersonal(text: string): boolean {
  return ID_NUMBER_SHAPE.test(text) || MOBILE_SHAPE.test(text);
}

/** Last line of defence for log text: masks anything shaped like an ID number or a mobile number. */
const ID_NUMBER = /(?<![0-9A-Za-z])(\d{6})\d{8,11}([\dXx])(?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)(1[3-9]\d)\d{8}(?!\d)/g;

export function scrubText(text: string): string {
  return text.replace(ID_NUMBER, '$1********$2').replace(MOBILE, '$1********');
}
