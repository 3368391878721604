/**
 * The built-in provider descriptors, by id. Everything here is frozen data; the
 * config loader (config/load.ts) turns them into ResolvedProviders.
 */
import type { ProviderDescriptor } from "../descriptor.js";
import { anthropic } from "./anthropic.js";
import { azure } from "./azure.js";
import { bedrock } from "./bedrock.js";
import { deepseek } from "./deepseek.js";
import { gemini } from "./gemini.js";
import { minimax } from "./minimax.js";
import { moonshot } from "./moonshot.js";
import { openai } from "./openai.js";
import { openaiCompatible } from "./openai-compatible.js";
import { openrouter } from "./openrouter.js";
import { qwen } from "./qwen.js";
import { siliconflow } from "./siliconflow.js";
import { zhipu } from "./zhipu.js";

export { type DeepReadonly, deepFreeze, defineProvider, isDeepFrozen } from "./freeze.js";
export { isPriceDecimal, pricePerTokenNano } from "./prices.js";

const ALL: readonly ProviderDescriptor[] = [
  openai,
  anthropic,
  deepseek,
  qwen,
  zhipu,
  moonshot,
  minimax,
  siliconflow,
  openrouter,
  gemini,
  azure,
  bedrock,
  openaiCompatible,
];

/** A Map whose contents are fixed at construction: set/delete/clear throw. */
class FrozenMap<K, V> extends Map<K, V> {
  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [key, value] of entries) super.set(key, value);
  }
  override set(_key: K, _value: V): this {
    throw new TypeError("PROVIDERS is read-only");
  }
  override delete(_key: K): boolean {
    throw new TypeError("PROVIDERS is read-only");
  }
  override clear(): void {
    throw new TypeError("PROVIDERS is read-only");
  }
}

/** Built-in descriptors by id, in a stable order (catalogue providers first, the generic one last). */
export const PROVIDERS: ReadonlyMap<string, ProviderDescriptor> = Object.freeze(
  new FrozenMap(ALL.map((descriptor) => [descriptor.id, descriptor] as const)),
);

/** Id of the generic descriptor for self-hosted servers. */
export const OPENAI_COMPATIBLE_ID = openaiCompatible.id;
