/** Last line of defence for log text: masks anything shaped like an ID number or a mobile number. */
const ID_NUMBER = /(?<![0-9A-Za-z])(\d{6})\d{8,11}([\dXx])(?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)(1[3-9]\d)\d{8}(?!\d)/g;

export function scrubText(text: string): string {
  return text.replace(ID_NUMBER, '$1********$2').replace(MOBILE, '$1********');
}
