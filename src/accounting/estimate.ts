/**
 * Token estimates for when the upstream reports nothing (a stream cut short, a
 * client that left). Deliberately simple and stated as such in the ledger
 * (usage_source = "estimated"): CJK characters count one token each, other text
 * one token per four characters. Linear, allocation-free, and bounded: past
 * SAMPLE_LIMIT characters the rest is extrapolated from the sample (catalogue H4).
 */
const SAMPLE_LIMIT = 1_000_000;

function isCjk(code: number): boolean {
  return (
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0xf900 && code <= 0xfaff)
  );
}

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  const sampled = Math.min(text.length, SAMPLE_LIMIT);
  let cjk = 0;
  for (let i = 0; i < sampled; i++) if (isCjk(text.charCodeAt(i))) cjk++;
  const sampleTokens = cjk + Math.ceil((sampled - cjk) / 4);
  return sampled === text.length ? sampleTokens : Math.ceil((sampleTokens * text.length) / sampled);
}
