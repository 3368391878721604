/**
 * Per-provider translation settings for OpenAI-dialect upstreams (frozen data,
 * like the descriptors). DeepSeek's thinking mode needs the reasoning of earlier
 * tool-call turns sent back (HTTP 400 otherwise) and takes `thinking: {type}`.
 */
import type { ResolvedProvider } from "../../config/types.js";
import type { ChatTranslateOptions } from "./translate-request.js";

const BY_DESCRIPTOR: Readonly<Record<string, ChatTranslateOptions>> = Object.freeze({
  deepseek: Object.freeze({ reasoningHistory: "reasoning_content", thinkingParam: "thinking_object" }),
  openai: Object.freeze({ maxTokensField: "max_completion_tokens" }),
});

export function translateOptionsFor(provider: ResolvedProvider): ChatTranslateOptions {
  return { ...BY_DESCRIPTOR[provider.descriptor.id], streamUsage: provider.descriptor.quirks.streamUsage };
}
