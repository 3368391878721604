/**
 * The real Gemini CLI (`gemini -p`, from npm) through the relay, offline, with an
 * API key (GEMINI_API_KEY = the relay key, GOOGLE_GEMINI_BASE_URL = the relay):
 * the Gemini API translated to an OpenAI-dialect upstream and to an Anthropic one.
 * Each run is one turn with a tool call: the simulator calls run_shell_command with
 * `example`, Gemini CLI runs it and sends the functionResponse back, and the final
 * answer quotes it.
 *
 * Skips when @google/gemini-cli is not installed (a devDependency; CI installs it).
 * Nothing leaves 127.0.0.1: HTTP(S)_PROXY points at a trap that refuses and records
 * any connection, and the test asserts it saw none.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type AgentBinary,
  type AgentRelay,
  type AgentSandbox,
  assertLedgered,
  createAgentSandbox,
  explain,
  findAgent,
  runAgent,
  startAgentRelay,
} from "../helpers/agents.js";
import { startAnthropicUpstream, startTestUpstream, type TestUpstream } from "../helpers/relay.js";

const found = findAgent("gemini-cli");
const MODEL = "gemini-2.5-pro";

/** ~/.gemini/settings.json: API-key auth, no usage statistics or telemetry, no update check, one tool. */
const SETTINGS = {
  security: { auth: { selectedType: "gemini-api-key" } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { disableAutoUpdate: true, disableUpdateNag: true },
  // Only the shell tool, so the simulator's "call the first tool" is a shell call.
  tools: { core: ["run_shell_command"] },
};

interface GeminiOutput {
  response?: string;
  error?: { message: string };
  stats?: { tools?: { byName?: Record<string, { count: number; success: number }> } };
}

async function runGemini(agent: AgentBinary, sandbox: AgentSandbox, relay: AgentRelay) {
  const dir = join(sandbox.home, ".gemini");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "settings.json"), JSON.stringify(SETTINGS));
  const env = {
    ...sandbox.env,
    GEMINI_API_KEY: relay.key,
    GOOGLE_GEMINI_BASE_URL: relay.baseUrl,
  };
  const args = ["-p", "Run the example command", "-m", MODEL, "--yolo", "--skip-trust", "-o", "json"];
  return runAgent(agent, args, { cwd: sandbox.work, env, timeoutMs: 60_000 });
}

function parseOutput(stdout: string): GeminiOutput {
  const start = stdout.indexOf("{");
  assert.ok(start >= 0, "gemini printed no JSON");
  return JSON.parse(stdout.slice(start)) as GeminiOutput;
}

describe(`Gemini CLI through the relay (${typeof found === "string" ? "skipped" : found.package})`, {
  skip: typeof found === "string" ? found : false,
}, () => {
  const agent = found as AgentBinary;

  for (const kind of ["openai-dialect", "anthropic"] as const) {
    describe(`on ${kind === "anthropic" ? "an Anthropic" : "an OpenAI-dialect"} upstream (translated)`, () => {
      let upstream: TestUpstream;
      let relay: AgentRelay;
      let sandbox: AgentSandbox;
      before(async () => {
        upstream =
          kind === "anthropic"
            ? await startAnthropicUpstream({ id: "anthropic-sim" })
            : await startTestUpstream({ id: "chat-sim", models: ["sim-model"] });
        relay = await startAgentRelay({
          providers: [upstream.provider],
          routes: {
            [MODEL]: [{ provider: upstream.provider.id, model: upstream.provider.models[0]!, weight: 1 }],
          },
        });
        sandbox = await createAgentSandbox();
      });
      after(async () => {
        await relay.close();
        await upstream.simulator.close();
        await sandbox.close();
      });

      it("gemini -p completes a turn with a run_shell_command call", { timeout: 90_000 }, async () => {
        const run = await runGemini(agent, sandbox, relay);
        const why = explain(run, relay, sandbox);
        assert.equal(run.code, 0, why);
        const output = parseOutput(run.stdout);
        assert.equal(output.error, undefined, why);
        assert.ok(output.response?.startsWith("Tool said: "), why);
        assert.match(output.response ?? "", new RegExp(sandbox.marker), why);
        assert.equal(output.stats?.tools?.byName?.["run_shell_command"]?.success, 1, why);

        assert.ok(relay.requests.length >= 2, why);
        for (const r of relay.requests) {
          assert.equal(
            `${r.method} ${r.url} ${r.status}`,
            `POST /v1beta/models/${MODEL}:streamGenerateContent?alt=sse 200`,
            why,
          );
        }
        const hits = upstream.simulator.hits;
        const path = kind === "anthropic" ? "/v1/messages" : "/v1/chat/completions";
        assert.ok(
          hits.every((h) => h.path === path && h.status === 200),
          why,
        );
        const last = JSON.stringify(hits.at(-1)?.body);
        if (kind === "anthropic") assert.match(last, /"type":"tool_result","tool_use_id":"/, why);
        else assert.match(last, /"role":"tool","tool_call_id":"call_sim/, why);
        assert.match(last, new RegExp(sandbox.marker), why);

        assert.deepEqual(sandbox.egress, [], "no connection left 127.0.0.1");
        await assertLedgered(relay);
      });
    });
  }
});
