/**
 * Starts a real relay on 127.0.0.1 for tests: SQLite in a temp directory, scripted
 * simulators as upstreams, a fresh virtual key. Built from a RelayConfig object so
 * tests do not depend on the environment.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileConfig } from "../../src/config/schema.js";
import { DEFAULT_MAX_SCAN_CHARS, resolveTenants } from "../../src/config/tenants.js";
import type { RelayConfig, ResolvedProvider, TransportConfig } from "../../src/config/types.js";
import { createRelay, type Relay } from "../../src/main.js";
import { createLogger } from "../../src/observability/logger.js";
import type { ModelPrice } from "../../src/upstreams/descriptor.js";
import { PROVIDERS } from "../../src/upstreams/providers/index.js";
import { startSimulator } from "../../src/upstreams/simulator/server.js";
import type { Simulator, SimulatorScript } from "../../src/upstreams/simulator/types.js";

export interface TestUpstreamOptions {
  id: string;
  models?: string[];
  script?: SimulatorScript;
  prices?: ModelPrice[];
  currency?: "USD" | "CNY";
  apiKey?: string;
  jurisdiction?: string;
  wildcard?: boolean;
  /** Values the simulator must never receive (it answers 451 and marks the hit). */
  forbidden?: readonly string[];
}

export interface TestUpstream {
  simulator: Simulator;
  provider: ResolvedProvider;
}

export async function startTestUpstream(options: TestUpstreamOptions): Promise<TestUpstream> {
  const simulator = await startSimulator({
    script: options.script,
    apiKey: options.apiKey,
    forbidden: options.forbidden,
  });
  const descriptor = PROVIDERS.get("openai-compatible");
  if (!descriptor) throw new Error("openai-compatible descriptor missing");
  const prices = options.prices ?? [
    { model: "sim-model", inputPerMTok: "2.50", cachedInputPerMTok: "1.25", outputPerMTok: "10" },
  ];
  const { Secret } = await import("../../src/config/secret.js");
  const provider: ResolvedProvider = {
    id: options.id,
    descriptor,
    region: descriptor.defaultRegion,
    baseUrl: new URL(simulator.url),
    jurisdiction: options.jurisdiction ?? "LOCAL",
    apiKey: options.apiKey === undefined ? null : new Secret(options.apiKey),
    models: options.models ?? ["sim-model"],
    prices: new Map(prices.map((p) => [p.model, p])),
    currency: options.currency ?? "USD",
    allowPrivate: true,
    wildcard: options.wildcard ?? false,
  };
  return { simulator, provider };
}

export interface TestRelay {
  relay: Relay;
  baseUrl: string;
  key: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestRelayOptions {
  providers: ResolvedProvider[];
  routes?: RelayConfig["routes"];
  transport?: Partial<TransportConfig>;
  bodyLimitBytes?: number;
  keyModels?: string[];
  /** Sign every receipt at response time (integrity.signReceipts). */
  signReceipts?: boolean;
  /** overt.yaml `guard` + `tenants` + `homeJurisdiction`, resolved as the loader would. */
  dataProtection?: Pick<FileConfig, "guard" | "tenants" | "homeJurisdiction">;
}

export function testConfig(dataDir: string, options: TestRelayOptions): RelayConfig {
  return {
    source: null,
    server: {
      host: "127.0.0.1",
      port: 0,
      bodyLimitBytes: options.bodyLimitBytes ?? 32 * 1024 * 1024,
      trustedProxies: [],
    },
    storage: { driver: "sqlite", path: join(dataDir, "overt.db") },
    dataDir,
    security: { allowPrivateUpstreams: true, keyPepper: null, setupToken: null },
    transport: {
      connectTimeoutMs: 2_000,
      headersTimeoutMs: 5_000,
      idleTimeoutMs: 5_000,
      maxResponseBytes: 10 * 1024 * 1024,
      maxAttempts: 3,
      ...options.transport,
    },
    providers: options.providers,
    routes: options.routes ?? {},
    homeJurisdiction: options.dataProtection?.homeJurisdiction ?? null,
    guard: { maxScanChars: options.dataProtection?.guard?.maxScanChars ?? DEFAULT_MAX_SCAN_CHARS },
    tenants: resolveTenants(options.dataProtection ?? {}, options.dataProtection?.homeJurisdiction ?? null),
    integrity: { origin: null, signReceipts: options.signReceipts ?? false },
    simulator: false,
    log: { level: "silent" },
  };
}

export async function startTestRelay(options: TestRelayOptions): Promise<TestRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), "overt-test-"));
  const config = testConfig(dataDir, options);
  const relay = await createRelay(config, { logger: createLogger("silent") });
  const baseUrl = await relay.app.listen({ host: "127.0.0.1", port: 0 });
  const created = await relay.keys.create({
    name: "test",
    models: options.keyModels ?? ["*"],
    expiresAt: null,
    actor: "test",
  });
  return {
    relay,
    baseUrl,
    key: created.key,
    dataDir,
    async close() {
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the ledger has written `count` records (it batches off the hot path). */
export async function usageRecords(relay: Relay, count: number) {
  for (let i = 0; i < 100; i++) {
    await relay.ledger.flush();
    const rows = await relay.storage.listUsage({ since: 0 }, 1000);
    if (rows.length >= count) return rows;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return relay.storage.listUsage({ since: 0 }, 1000);
}

/** An Anthropic-dialect upstream (the Anthropic simulator) as a provider. */
export async function startAnthropicUpstream(options: {
  id: string;
  models?: string[];
  script?: import("../../src/upstreams/simulator/anthropic/index.js").AnthropicScript;
  apiKey?: string;
  wildcard?: boolean;
  jurisdiction?: string;
  forbidden?: readonly string[];
}): Promise<TestUpstream> {
  const { startAnthropicSimulator } = await import("../../src/upstreams/simulator/anthropic/index.js");
  const { Secret } = await import("../../src/config/secret.js");
  const apiKey = options.apiKey ?? "sk-ant-upstream-test-key-0001";
  const simulator = await startAnthropicSimulator({
    script: options.script,
    apiKey,
    forbidden: options.forbidden,
  });
  const descriptor = PROVIDERS.get("anthropic");
  if (!descriptor) throw new Error("anthropic descriptor missing");
  const provider: ResolvedProvider = {
    id: options.id,
    descriptor,
    region: descriptor.defaultRegion,
    baseUrl: new URL(simulator.url),
    jurisdiction: options.jurisdiction ?? "US",
    apiKey: new Secret(apiKey),
    models: options.models ?? ["claude-echo"],
    prices: new Map([
      [
        "claude-echo",
        { model: "claude-echo", inputPerMTok: "3", cachedInputPerMTok: "0.30", outputPerMTok: "15" },
      ],
    ]),
    currency: "USD",
    allowPrivate: true,
    wildcard: options.wildcard ?? false,
  };
  return { simulator, provider };
}

/** A Gemini-dialect upstream (the Gemini simulator) as a provider. */
export async function startGeminiUpstream(options: {
  id: string;
  models?: string[];
  script?: import("../../src/upstreams/simulator/gemini/index.js").GeminiScript;
  jurisdiction?: string;
  forbidden?: readonly string[];
}): Promise<TestUpstream> {
  const { startGeminiSimulator } = await import("../../src/upstreams/simulator/gemini/index.js");
  const { Secret } = await import("../../src/config/secret.js");
  const apiKey = "gemini-upstream-test-key-0001";
  const simulator = await startGeminiSimulator({
    script: options.script,
    apiKey,
    forbidden: options.forbidden,
  });
  const descriptor = PROVIDERS.get("gemini");
  if (!descriptor) throw new Error("gemini descriptor missing");
  const provider: ResolvedProvider = {
    id: options.id,
    descriptor,
    region: descriptor.defaultRegion,
    baseUrl: new URL(simulator.url),
    jurisdiction: options.jurisdiction ?? "US",
    apiKey: new Secret(apiKey),
    models: options.models ?? ["gemini-echo"],
    prices: new Map([["gemini-echo", { model: "gemini-echo", inputPerMTok: "1", outputPerMTok: "4" }]]),
    currency: "USD",
    allowPrivate: true,
    wildcard: false,
  };
  return { simulator, provider };
}

/** A Bedrock Converse upstream (the Bedrock simulator, verifying SigV4) as a provider. */
export async function startBedrockUpstream(options: {
  id: string;
  models?: string[];
  jurisdiction?: string;
  forbidden?: readonly string[];
}): Promise<TestUpstream> {
  const { startBedrockSimulator } = await import("../../src/upstreams/simulator/bedrock/index.js");
  const { Secret } = await import("../../src/config/secret.js");
  const credentials = {
    accessKeyId: "AKIDEXAMPLETEST01",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYTESTKEY",
  };
  const simulator = await startBedrockSimulator({ credentials, forbidden: options.forbidden });
  const descriptor = PROVIDERS.get("bedrock");
  if (!descriptor) throw new Error("bedrock descriptor missing");
  const provider: ResolvedProvider = {
    id: options.id,
    descriptor,
    region: "us-east-1",
    baseUrl: new URL(simulator.url),
    jurisdiction: options.jurisdiction ?? "US",
    apiKey: new Secret(`${credentials.accessKeyId}:${credentials.secretAccessKey}`),
    models: options.models ?? ["anthropic.claude-echo-v1:0"],
    prices: new Map(),
    currency: "USD",
    allowPrivate: true,
    wildcard: false,
  };
  return { simulator, provider };
}
