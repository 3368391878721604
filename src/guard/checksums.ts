/** Check-digit validators: plain loops, linear in the input length. */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1850 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

/** GB 11643-1999 resident ID: 18 chars, ISO 7064 MOD 11-2 check char, valid birth date. */
export function isCnResidentId(value: string): boolean {
  if (value.length !== 18) return false;
  const body = value.slice(0, 17);
  if (!isDigits(body) || body[0] === "0") return false;
  const year = Number(body.slice(6, 10));
  const month = Number(body.slice(10, 12));
  const day = Number(body.slice(12, 14));
  if (!validDate(year, month, day)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (body.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === value[17]!.toUpperCase();
}

/** Luhn (mod 10) over a digit string. */
export function luhnValid(digits: string): boolean {
  if (!isDigits(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Bank card: 13–19 digits, not all one digit, Luhn-valid. */
export function isBankCard(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19 || !isDigits(digits)) return false;
  if (/^(\d)\1{12,18}$/.test(digits)) return false;
  return luhnValid(digits);
}

export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 unified social credit code: 18 chars over a 31-char alphabet, mod-31 check char. */
export function isCnUscc(value: string): boolean {
  if (value.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(value[i]!);
    if (v < 0) return false;
    sum += v * USCC_WEIGHTS[i]!;
  }
  const region = value.slice(2, 8);
  if (!isDigits(region)) return false;
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[check] === value[17];
}
