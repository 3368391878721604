/**
 * The Gemini API upstream simulator (DESIGN §12): a real HTTP server on
 * 127.0.0.1 for tests and, later, a built-in upstream. See types.ts for the API;
 * the returned `Simulator` is the OpenAI simulator's shape, with
 * `url` = `http://127.0.0.1:PORT` (the API root, as @google/genai's `baseUrl`).
 */
export { GEMINI_SIMULATOR_PROJECT } from "./errors.js";
export { GEMINI_SIMULATOR_MODELS, type GeminiSimulatorModel } from "./models.js";
export { MEDIA_TOKENS } from "./request.js";
export { startGeminiSimulator } from "./server.js";
export { callSignature, PLACEHOLDER_SIGNATURES, textSignature, verifyCallSignature } from "./signature.js";
export type {
  GeminiBehavior,
  GeminiBehaviorKind,
  GeminiBehaviorTiming,
  GeminiDisconnectBehavior,
  GeminiErrorBehavior,
  GeminiErrorObject,
  GeminiMalformedSseBehavior,
  GeminiRespondBehavior,
  GeminiScript,
  GeminiSimulatorOptions,
  GeminiStallAfterHeadersBehavior,
  GeminiStallBeforeHeadersBehavior,
  GeminiStatusName,
  GeminiStreamErrorBehavior,
  GeminiTrickleBehavior,
} from "./types.js";
