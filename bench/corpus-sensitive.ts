// Sensitive values for the guard benchmark's text, each valid for its class (checksums included), so a
// detector that checks them finds every one that was planted.
import { isBankCard, isCnResidentId } from "../src/guard/checksums.js";
import { ALNUM, type Rng, UPPER_NUM } from "./corpus-rng.js";

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const REGIONS = ["110105", "310104", "440305", "510107", "330106", "420102", "320106", "610113"];

/** A GB 11643 resident ID with a valid birth date and ISO 7064 MOD 11-2 check character. */
export function residentId(r: Rng): string {
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const body =
    r.pick(REGIONS) +
    String(1955 + r.int(50)) +
    pad(1 + r.int(12), 2) +
    pad(1 + r.int(28), 2) +
    pad(r.int(1000), 3);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i]!;
  const id = body + "10X98765432"[sum % 11];
  if (!isCnResidentId(id)) throw new Error(`generated an invalid resident ID ${id}`);
  return id;
}

/** A mainland mobile number in one of the ways people write them. */
export function mobile(r: Rng): string {
  const n = r.pick(["138", "139", "135", "186", "150", "177", "199", "133"]) + r.digits(8);
  switch (r.int(4)) {
    case 0:
      return `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`;
    case 1:
      return `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`;
    case 2:
      return `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`;
    default:
      return n;
  }
}

/** A Luhn-valid 16-digit UnionPay-style card number, grouped by four. */
export function bankCard(r: Rng): string {
  const partial = "6222" + r.digits(11);
  for (let check = 0; check < 10; check++) {
    const card = partial + String(check);
    if (isBankCard(card)) return card.replace(/(\d{4})(?=\d)/g, "$1 ");
  }
  throw new Error("no Luhn check digit");
}

export const FIRST = [
  "alice",
  "bob",
  "carol",
  "dave",
  "erin",
  "wei",
  "li.na",
  "zhang.wei",
  "wang.fang",
  "chen.jie",
];
const LAST = ["smith", "jones", "garcia", "liu", "zhao", "sun", "brown", "miller", "wu", "lin"];
const DOMAINS = ["example.com", "example.cn", "mail.example.org", "corp.example.net", "qq.example.com"];

export function email(r: Rng): string {
  return `${r.pick(FIRST)}.${r.pick(LAST)}${r.int(100)}@${r.pick(DOMAINS)}`;
}

/** An OpenAI project key: `sk-proj-…T3BlbkFJ…`. */
export function openAiKey(r: Rng): string {
  return `sk-proj-${r.chars(ALNUM, 24)}T3BlbkFJ${r.chars(ALNUM, 24)}`;
}

export function awsKeyId(r: Rng): string {
  return `AKIA${r.chars(UPPER_NUM, 16)}`;
}

export function usPhone(r: Rng): string {
  return `+1 ${r.pick(["415", "212", "646", "206"])} 555 ${r.digits(4)}`;
}

export function privateIp(r: Rng): string {
  return `10.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}`;
}
