/**
 * The Amazon Bedrock (Converse API) upstream simulator: a real HTTP server on
 * 127.0.0.1 for tests. `url` is `http://127.0.0.1:PORT`, the runtime root
 * (as https://bedrock-runtime.<region>.amazonaws.com).
 */
export { converseFrames, converseJson, eventFrame, exceptionFrame, planConverse } from "./answer.js";
export { type BedrockSimulatorCredentials, verifySigV4 } from "./auth.js";
export { type BedrockBehavior, type BedrockSimulatorOptions, startBedrockSimulator } from "./server.js";
