import { startAnthropicSimulator } from "../../../src/upstreams/simulator/anthropic/index.js";
import type { AnthropicBehavior } from "../../../src/upstreams/simulator/anthropic/types.js";
import { startGeminiSimulator } from "../../../src/upstreams/simulator/gemini/index.js";
import type { GeminiBehavior } from "../../../src/upstreams/simulator/gemini/types.js";
import { startSimulator } from "../../../src/upstreams/simulator/server.js";
import type { Behavior, Simulator } from "../../../src/upstreams/simulator/types.js";
import type { Canaries } from "./canaries.js";

// ---------------------------------------------------------------- upstream simulators

export const SCENARIO = /scenario:([a-z0-9-]+)/;

export function scenarioOf(body: unknown): string | null {
  return SCENARIO.exec(JSON.stringify(body ?? null))?.[1] ?? null;
}

/** The plain upstream errors every simulator plays the same way. */
const ERROR_STATUSES: Readonly<Record<string, number>> = { "up-401": 401, "up-429": 429, "up-500": 500 };

function errorBehavior(scenario: string | null): { kind: "error"; status: number } | undefined {
  const status = scenario === null ? undefined : ERROR_STATUSES[scenario];
  return status === undefined ? undefined : { kind: "error", status };
}

export function openAiBehavior(scenario: string | null): Behavior | undefined {
  const error = errorBehavior(scenario);
  if (error) return error;
  switch (scenario) {
    case "up-401-reflect":
      return { kind: "echo-headers", status: 401 };
    case "up-400-reflect":
      return { kind: "echo-headers", status: 400 };
    case "up-html":
      return { kind: "html" };
    case "up-200-reflect":
      return { kind: "echo-headers", status: 200 };
    case "up-timeout-headers":
      return { kind: "stall-before-headers" };
    case "up-timeout-idle":
      return { kind: "stall-after-headers" };
    case "up-malformed":
      return { kind: "malformed-sse", faults: ["non-json-data"], atChunk: 1 };
    case "up-stream-error":
      return { kind: "stream-error", afterChunks: 2 };
    case "up-disconnect":
      return { kind: "disconnect", afterChunks: 2 };
    default:
      return undefined;
  }
}

export function anthropicBehavior(scenario: string | null): AnthropicBehavior | undefined {
  const error = errorBehavior(scenario);
  if (error) return error;
  switch (scenario) {
    case "up-timeout-headers":
      return { kind: "stall-before-headers" };
    case "up-malformed":
      return { kind: "malformed-sse", faults: ["non-json-data"], atEvent: 1 };
    case "up-stream-error":
      return { kind: "stream-error", afterEvents: 3 };
    default:
      return undefined;
  }
}

export function geminiBehavior(scenario: string | null): GeminiBehavior | undefined {
  const error = errorBehavior(scenario);
  if (error) return error;
  switch (scenario) {
    case "up-timeout-idle":
      return { kind: "stall-after-headers" };
    case "up-malformed":
      return { kind: "malformed-sse", faults: ["non-json-data"], atChunk: 1 };
    case "up-disconnect":
      return { kind: "disconnect", afterChunks: 1 };
    default:
      return undefined;
  }
}

export interface Upstreams {
  oai: Simulator;
  anthropic: Simulator;
  gemini: Simulator;
  all: Simulator[];
  close(): Promise<void>;
}

export async function startUpstreams(c: Canaries): Promise<Upstreams> {
  // The values policy says must not leave the relay: a simulator receiving one answers 451 and marks the hit.
  const forbidden = [
    c.residentId,
    c.email,
    c.openAiKey,
    c.upstreamOai,
    c.upstreamAnthropic,
    c.upstreamGemini,
  ];
  const oai = await startSimulator({
    apiKey: c.upstreamOai,
    forbidden,
    script: ({ body }) => openAiBehavior(scenarioOf(body)),
  });
  const anthropic = await startAnthropicSimulator({
    apiKey: c.upstreamAnthropic,
    forbidden,
    script: ({ body }) => anthropicBehavior(scenarioOf(body)),
  });
  const gemini = await startGeminiSimulator({
    apiKey: c.upstreamGemini,
    forbidden,
    script: ({ body }) => geminiBehavior(scenarioOf(body)),
  });
  const all = [oai, anthropic, gemini];
  return {
    oai,
    anthropic,
    gemini,
    all,
    close: async () => void (await Promise.all(all.map((s) => s.close()))),
  };
}
