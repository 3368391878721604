/**
 * Token estimates for when the upstream reports nothing (a stream cut short, a
 * client that left). Deliberately simple and stated as such in the ledger
 * (usage_source = "estimated"): CJK characters count one token each, other text
 * one token per four characters.
 */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  const cjk = text.match(CJK)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}
