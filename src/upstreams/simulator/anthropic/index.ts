/**
 * The Anthropic Messages upstream simulator (DESIGN §12): a real HTTP server on
 * 127.0.0.1 for tests and, later, a built-in upstream. See types.ts for the API;
 * the returned `Simulator` is the OpenAI simulator's shape, with
 * `url` = `http://127.0.0.1:PORT` (Anthropic base URLs have no /v1).
 */
export { ANTHROPIC_SIMULATOR_ORG_ID } from "./errors.js";
export { ANTHROPIC_SIMULATOR_MODELS, type AnthropicSimulatorModel } from "./models.js";
export { startAnthropicSimulator } from "./server.js";
export { thinkingSignature, verifyThinkingSignature } from "./signature.js";
export type {
  AnthropicBehavior,
  AnthropicBehaviorKind,
  AnthropicBehaviorTiming,
  AnthropicDisconnectBehavior,
  AnthropicErrorBehavior,
  AnthropicErrorObject,
  AnthropicErrorType,
  AnthropicMalformedSseBehavior,
  AnthropicRespondBehavior,
  AnthropicScript,
  AnthropicSimulatorOptions,
  AnthropicStallAfterHeadersBehavior,
  AnthropicStallBeforeHeadersBehavior,
  AnthropicStreamErrorBehavior,
  AnthropicTrickleBehavior,
} from "./types.js";
