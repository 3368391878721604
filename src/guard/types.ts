/** Data classes the data-protection guard recognises (security catalogue B15–B17). */
export const DATA_CLASSES = [
  "secret.openai",
  "secret.anthropic",
  "secret.aws",
  "secret.github",
  "secret.google",
  "secret.stripe",
  "secret.slack",
  "secret.private_key",
  "secret.jwt",
  "secret.url_password",
  "secret.env_assignment",
  "secret.deepseek",
  "secret.dashscope",
  "secret.moonshot",
  "secret.zhipu",
  "secret.relay_upstream_key",
  "pii.cn_resident_id",
  "pii.cn_mobile",
  "pii.bank_card",
  "pii.cn_uscc",
  "pii.passport",
  "pii.cn_license_plate",
  "pii.email",
  "pii.phone_intl",
  "pii.ip_address",
] as const;

export type DataClass = (typeof DATA_CLASSES)[number];

/** A detected span: `text.slice(start, end)` is the sensitive value. */
export interface Finding {
  kind: DataClass;
  start: number;
  end: number;
}

/**
 * Most specific first: when two findings overlap, the one earlier in this list
 * wins (ties broken by length). Secrets outrank PII.
 */
export const PRIORITY: readonly DataClass[] = [
  "secret.relay_upstream_key",
  "secret.private_key",
  "secret.jwt",
  "secret.anthropic",
  "secret.openai",
  "secret.deepseek",
  "secret.dashscope",
  "secret.moonshot",
  "secret.zhipu",
  "secret.aws",
  "secret.github",
  "secret.google",
  "secret.stripe",
  "secret.slack",
  "secret.url_password",
  "secret.env_assignment",
  "pii.cn_resident_id",
  "pii.cn_uscc",
  "pii.bank_card",
  "pii.cn_mobile",
  "pii.passport",
  "pii.cn_license_plate",
  "pii.email",
  "pii.phone_intl",
  "pii.ip_address",
];
