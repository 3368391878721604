/**
 * The simulator's tokenizer: deterministic, linear-time, and lossless
 * (`tokenize(s).join("") === s`), so streamed deltas reassemble exactly.
 *
 * A token is optional leading whitespace followed by one of: a run of letters,
 * marks, digits and `_` (at most MAX_WORD code points); a single CJK / kana /
 * hangul character; or any other single code point (punctuation, emoji).
 * Trailing whitespace at the end of the text is its own token.
 */

const MAX_WORD = 16;
const WORD = /[\p{L}\p{M}\p{N}_]/u;
const SPACE = /\s/u;
const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

export function tokenize(text: string): string[] {
  const chars = Array.from(text);
  const tokens: string[] = [];
  let i = 0;
  while (i < chars.length) {
    const start = i;
    while (i < chars.length && SPACE.test(chars[i] ?? "")) i++;
    if (i >= chars.length) {
      tokens.push(chars.slice(start).join(""));
      break;
    }
    const first = chars[i] ?? "";
    i++;
    if (WORD.test(first) && !WIDE.test(first)) {
      let length = 1;
      while (i < chars.length && length < MAX_WORD) {
        const next = chars[i] ?? "";
        if (!WORD.test(next) || WIDE.test(next)) break;
        i++;
        length++;
      }
    }
    tokens.push(chars.slice(start, i).join(""));
  }
  return tokens;
}

export function countTokens(text: string): number {
  return tokenize(text).length;
}

/** Overhead the simulator charges per message and per request, like OpenAI's chat format. */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_REQUEST = 3;
