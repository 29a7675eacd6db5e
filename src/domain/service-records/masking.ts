/**
 * Personal data on screen: a mainland ID number (15 or 18 characters) shows its first 3 and last 4
 * characters (the region prefix and check digits people use to recognise their own card); a
 * shorter document number (passport, 港澳/台湾通行证, a Hong Kong ID) its first and last 2 only,
 * never half of it; a mobile number its first 3 and last 4, any other phone number its last 4.
 * The full value leaves the server only through revealId(), which logs who saw it and why.
 */
export function maskIdNumber(id: string | null): string | null {
  if (!id) return id;
  if (id.length >= 15) return keep(id, 3, 4);
  if (id.length >= 8) return keep(id, 1, 2);
  if (id.length >= 6) return keep(id, 0, 2);
  return '*'.repeat(id.length);
}

export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  if (phone.length >= 11) return keep(phone, 3, 4);
  if (phone.length >= 8) return keep(phone, 0, 4);
  return '*'.repeat(phone.length);
}

function keep(value: string, head: number, tail: number): string {
  return `${value.slice(0, head)}${'*'.repeat(value.length - head - tail)}${value.slice(-tail)}`;
}

/** A name shows its surname only (张**), as on published 好差评 lists. */
export function maskName(name: string | null): string | null {
  if (!name) return name;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** Mainland resident ID (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character. */
export function isResidentIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

/** Appends the check character to 17 digits (demo data and tests make valid numbers). */
export function withCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}
