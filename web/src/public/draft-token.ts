/**
 * The client token of one draft report, sent with every attempt to file it: a retry after a lost
 * answer gets the first filing back instead of filing the report twice. A changed draft is another
 * report and gets another token.
 */
export function newDraftToken(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `r-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
