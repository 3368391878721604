/**
 * The upstream simulator (DESIGN §12): the built-in upstream of a fresh install
 * and the scripted fake upstream of every test. See types.ts for the API.
 */
export { SIMULATOR_ORG_ID } from "./errors.js";
export { SYSTEM_FINGERPRINT } from "./generate.js";
export { SIMULATOR_MODELS, type SimulatorModel } from "./models.js";
export { startSimulator } from "./server.js";
export { countTokens, tokenize } from "./tokens.js";
export type {
  Behavior,
  BehaviorKind,
  BehaviorTiming,
  DisconnectBehavior,
  EchoHeadersBehavior,
  ErrorBehavior,
  HtmlBehavior,
  HugeBodyBehavior,
  MalformedSseBehavior,
  OpenAIErrorObject,
  RedirectBehavior,
  RespondBehavior,
  Simulator,
  SimulatorHit,
  SimulatorOptions,
  SimulatorRequest,
  SimulatorScript,
  SseFault,
  StallAfterHeadersBehavior,
  StallBeforeHeadersBehavior,
  StreamErrorBehavior,
  TrickleBehavior,
  UsageOverride,
} from "./types.js";
