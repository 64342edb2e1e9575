/**
 * What the sign-in form makes of a typed server address before checking it: a bare host
 * (ledger.chuxiong, localhost:3000) gets https://, as the county servers are reached over https and
 * the form's example says. http:// stays only when typed (a dev or demo server on 127.0.0.1, which
 * checkServerUrl allows).
 */
export function withScheme(typed: string): string {
  const text = typed.trim();
  if (text === '') return text;
  // a scheme with its slashes (https://, ftp://: the check refuses the wrong ones with its own message),
  // or http:/https: typed without them (the URL parser reads "https:host" as https://host)
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(text) || /^https?:/i.test(text)) return text;
  // "localhost:3000" looks like a scheme to the URL parser: without "//" it is a host and port
  return text.startsWith('//') ? `https:${text}` : `https://${text}`;
}
