/**
 * Free text the public reads (Open311's description and address, the tracking page): residents and
 * callers write their own number into it ("请联系我 139…"), staff a party's. The numbers and
 * e-mail addresses in it are masked as the console masks a phone for roles that do not need it (a
 * mobile keeps its first 3 and last 4 digits, a landline its area code and last 4, an address the
 * first 2 characters of its name); the case keeps the full text for the operations centre.
 */
const MOBILE = /(?<![\d*])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g;
const LANDLINE = /(?<![\d*])0\d{2,3}[\s-]?\d{7,8}(?!\d)/g;
const EMAIL = /([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;

export function maskContacts(text: string): string;
export function maskContacts(text: string | null): string | null;
export function maskContacts(text: string | null): string | null {
  if (!text) return text;
  return text
    .replace(EMAIL, (_m, name: string, domain: string) => `${name.slice(0, 2)}***@${domain}`)
    .replace(MOBILE, (m) => {
      const digits = m.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
      return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
    })
    .replace(LANDLINE, (m) => {
      const sep = /[\s-]/.exec(m);
      const area = sep ? m.slice(0, sep.index) : m.slice(0, m.length > 11 ? 4 : 3);
      return `${area}-****${m.slice(-4)}`;
    });
}
