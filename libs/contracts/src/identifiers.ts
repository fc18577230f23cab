/**
 * Validation of Chinese identifiers, pure functions shared by the API and the wall map.
 * Each returns null when the value is valid, or the reason it is not (for "field: reason" messages).
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * Province-level prefixes of GB/T 2260 region codes (the first two digits of a resident ID).
 * 71 Taiwan, 81 Hong Kong, 82 Macao are issued to residents' permits and accepted too.
 */
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]);

/** GB 11643 check character of the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** Birth date (YYYY-MM-DD) encoded in an 18-character resident ID, or null when it is not a real date. */
export function residentIdBirthDate(id: string): string | null {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/**
 * 18-character resident ID (GB 11643-1999): 6-digit region, 8-digit birth date,
 * 3-digit sequence (odd = male), check character over weights mod 11.
 */
export function residentIdProblem(value: string, today: Date = new Date()): string | null {
  const id = value.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 17 digits followed by a digit or X';
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return `region code ${id.slice(0, 6)} is not a known province`;
  if (id.slice(2, 4) === '00' && id.slice(0, 2) !== '71' && id.slice(0, 2) !== '81' && id.slice(0, 2) !== '82') {
    return `region code ${id.slice(0, 6)} is not a plausible county`;
  }
  const birth = residentIdBirthDate(id);
  if (!birth) return `birth date ${id.slice(6, 14)} is not a valid date`;
  if (birth < '1880-01-01' || new Date(`${birth}T00:00:00Z`) > today) return `birth date ${birth} is not plausible`;
  const expected = residentIdCheckChar(id.slice(0, 17));
  if (id[17] !== expected) return `check digit should be ${expected}`;
  return null;
}

/** Gender encoded in a resident ID: the 17th digit is odd for men. */
export function residentIdGender(id: string): 'male' | 'female' {
  return Number(id[16]) % 2 === 1 ? 'male' : 'female';
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character of the first 17 characters (mod 31). */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * 18-character unified social credit code (GB 32100-2015): registering authority,
 * organisation type, 6-digit region, 9-character organisation code, check character.
 * The alphabet omits I, O, Z, S, V.
 */
export function usccProblem(value: string): string | null {
  const code = value.trim().toUpperCase();
  if (code.length !== 18) return 'must be 18 characters';
  const bad = [...code].find((c) => !USCC_ALPHABET.includes(c));
  if (bad) return `character ${bad} is not allowed (I, O, S, V, Z are never used)`;
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'characters 3-8 must be a 6-digit region code';
  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return `check character should be ${expected}`;
  return null;
}

/** Normalise a phone number: drop spaces, dashes, parentheses and a +86 / 0086 prefix. */
export function normalizePhone(value: string): string {
  let p = value.replace(/[\s\-()（）]/g, '');
  if (p.startsWith('+86')) p = p.slice(3);
  else if (p.startsWith('0086')) p = p.slice(4);
  return p;
}

/**
 * Mainland phone numbers: mobiles 1[3-9]x xxxx xxxx (11 digits); landlines with a
 * 3- or 4-digit area code starting with 0 and a 7- or 8-digit number (optional extension);
 * service numbers like 12345, 110 and 400/800 numbers.
 */
export function phoneProblem(value: string): string | null {
  const p = normalizePhone(value);
  if (/^1[3-9]\d{9}$/.test(p)) return null;
  if (/^0\d{2,3}[2-9]\d{6,7}(#\d{1,6})?$/.test(p) && p.replace(/#.*/, '').length >= 10 && p.replace(/#.*/, '').length <= 12) return null;
  if (/^[48]00\d{7}$/.test(p)) return null;
  if (/^1\d{2,4}$/.test(p)) return null;
  if (/^1\d+$/.test(p)) return 'a mobile number has 11 digits starting 13-19';
  return 'not a mainland mobile (11 digits) or landline (0 + area code + 7-8 digits) number';
}

/** WGS-84 longitude/latitude in range; territory membership is checked against the areas in the database. */
export function coordinateProblem(lon: number, lat: number): { field: 'lon' | 'lat'; reason: string } | null {
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) return { field: 'lon', reason: 'must be a longitude between -180 and 180' };
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) return { field: 'lat', reason: 'must be a latitude between -90 and 90' };
  return null;
}
