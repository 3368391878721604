/**
 * The real Codex CLI (`codex exec`, from npm) through the relay, offline. Codex
 * speaks only the Responses API (`wire_api = "chat"` is refused by Codex itself
 * since 0.16x), so:
 *   - on a Responses-capable upstream the relay passes /v1/responses through;
 *   - on a chat-only upstream (and on an Anthropic one) it translates.
 * Each run is one turn with a tool call: the upstream calls Codex's first function
 * tool (exec_command) with `example`, Codex runs it in a shell and sends the
 * function_call_output back, and the final answer quotes it.
 *
 * Skips when @openai/codex is not installed (a devDependency; CI installs it).
 * Nothing leaves 127.0.0.1: HTTP(S)_PROXY points at a trap that refuses and records
 * any connection, and the test asserts it saw none.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ResolvedProvider } from "../../src/config/types.js";
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
import { type ResponsesUpstream, startResponsesUpstream } from "../helpers/agents-responses-upstream.js";
import { startAnthropicUpstream, startTestUpstream, type TestUpstream } from "../helpers/relay.js";

const found = findAgent("codex");
const MODEL = "gpt-5";

/** Codex settings that reach the internet on their own (plugin sync from GitHub, analytics). */
const OFFLINE = ["--disable", "plugins", "-c", "analytics.enabled=false"];

/**
 * Codex's default request also declares a `namespace` tool (multi_agent_v1: sub-agent
 * functions grouped) and the hosted `web_search` tool. A translated upstream cannot run
 * them, so the relay leaves them out (said in overt-transformations); the default-tools
 * test below covers that, and the other translated runs turn them off to stay minimal.
 */
const FUNCTION_TOOLS_ONLY = ["--disable", "multi_agent", "-c", 'web_search="disabled"'];

interface CodexEvent {
  type: string;
  item?: { type: string; text?: string; command?: string; aggregated_output?: string; exit_code?: number };
  message?: string;
}

function codexArgs(sandbox: AgentSandbox, relay: AgentRelay, extra: string[]): string[] {
  return [
    "exec",
    "--json",
    "--skip-git-repo-check",
    // The sandbox (bubblewrap/landlock) is not what is under test, and may not exist on CI.
    "--dangerously-bypass-approvals-and-sandbox",
    "-C",
    sandbox.work,
    "-m",
    MODEL,
    "-c",
    'model_provider="overt"',
    "-c",
    'model_providers.overt.name="Overt"',
    "-c",
    `model_providers.overt.base_url="${relay.baseUrl}/v1"`,
    "-c",
    'model_providers.overt.env_key="OVERT_API_KEY"',
    "-c",
    'model_providers.overt.wire_api="responses"',
    ...OFFLINE,
    ...extra,
    "Run the example command",
  ];
}

async function runCodex(agent: AgentBinary, sandbox: AgentSandbox, relay: AgentRelay, extra: string[]) {
  const codexHome = join(sandbox.home, ".codex");
  mkdirSync(codexHome, { recursive: true });
  const env = { ...sandbox.env, CODEX_HOME: codexHome, OVERT_API_KEY: relay.key };
  return runAgent(agent, codexArgs(sandbox, relay, extra), { cwd: sandbox.work, env, timeoutMs: 60_000 });
}

function events(stdout: string): CodexEvent[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as CodexEvent);
}

/** The turn ran the tool and answered with its output; the relay saw only successful /v1/responses. */
function assertTurn(
  run: Awaited<ReturnType<typeof runCodex>>,
  relay: AgentRelay,
  sandbox: AgentSandbox,
): void {
  const why = explain(run, relay, sandbox);
  assert.equal(run.code, 0, why);
  const list = events(run.stdout);
  assert.ok(
    list.some((e) => e.type === "turn.completed"),
    why,
  );
  const command = list.find((e) => e.type === "item.completed" && e.item?.type === "command_execution");
  assert.ok(command?.item, why);
  assert.match(command.item.command ?? "", /example/, why);
  assert.equal(command.item.exit_code, 0, why);
  assert.match(command.item.aggregated_output ?? "", new RegExp(sandbox.marker), why);
  const answer = list.find((e) => e.type === "item.completed" && e.item?.type === "agent_message");
  assert.ok(answer?.item?.text?.startsWith("Tool said: "), why);
  assert.match(answer?.item?.text ?? "", new RegExp(sandbox.marker), why);

  assert.ok(relay.requests.length >= 2, why);
  for (const r of relay.requests) {
    assert.equal(`${r.method} ${r.url} ${r.status}`, "POST /v1/responses 200", why);
  }
  assert.deepEqual(sandbox.egress, [], "no connection left 127.0.0.1");
}

describe(`Codex CLI through the relay (${typeof found === "string" ? "skipped" : found.package})`, {
  skip: typeof found === "string" ? found : false,
}, () => {
  const agent = found as AgentBinary;

  describe("on a Responses-capable upstream (passthrough)", () => {
    let upstream: ResponsesUpstream;
    let relay: AgentRelay;
    let sandbox: AgentSandbox;
    before(async () => {
      upstream = await startResponsesUpstream({ id: "openai-sim", models: ["gpt-sim"] });
      relay = await startAgentRelay({
        providers: [upstream.provider],
        routes: { [MODEL]: [{ provider: "openai-sim", model: "gpt-sim", weight: 1 }] },
      });
      sandbox = await createAgentSandbox();
    });
    after(async () => {
      await relay.close();
      await upstream.close();
      await sandbox.close();
    });

    it("codex exec completes a turn with a shell tool call, Codex's tools as they are", {
      timeout: 90_000,
    }, async () => {
      const run = await runCodex(agent, sandbox, relay, []);
      assertTurn(run, relay, sandbox);
      const why = explain(run, relay, sandbox);
      assert.ok(
        upstream.hits.every((h) => h.path === "/v1/responses" && h.status === 200),
        why,
      );
      const first = upstream.hits[0]?.body as {
        model: string;
        store: boolean;
        tools: Array<{ type: string }>;
      };
      assert.equal(first.model, "gpt-sim");
      assert.equal(first.store, false);
      const last = upstream.hits.at(-1)?.body as { input: Array<Record<string, unknown>> };
      const call = last.input.find((i) => i["type"] === "function_call");
      const output = last.input.find((i) => i["type"] === "function_call_output");
      assert.ok(call && output, why);
      assert.equal(call["name"], "exec_command");
      assert.equal(output["call_id"], call["call_id"]);
      assert.match(JSON.stringify(output["output"]), new RegExp(sandbox.marker));
      await assertLedgered(relay);
    });
  });

  for (const kind of ["chat-only", "anthropic"] as const) {
    describe(`on ${kind === "chat-only" ? "a chat-only (Chat Completions) upstream" : "an Anthropic upstream"} (translated)`, () => {
      let upstream: TestUpstream;
      let relay: AgentRelay;
      let sandbox: AgentSandbox;
      before(async () => {
        upstream =
          kind === "chat-only"
            ? await startTestUpstream({ id: "chat-sim", models: ["sim-model"] })
            : await startAnthropicUpstream({ id: "anthropic-sim" });
        const provider: ResolvedProvider = upstream.provider;
        relay = await startAgentRelay({
          providers: [provider],
          routes: { [MODEL]: [{ provider: provider.id, model: provider.models[0]!, weight: 1 }] },
        });
        sandbox = await createAgentSandbox();
      });
      after(async () => {
        await relay.close();
        await upstream.simulator.close();
        await sandbox.close();
      });

      it("codex exec completes a turn with a shell tool call", { timeout: 90_000 }, async () => {
        const run = await runCodex(agent, sandbox, relay, FUNCTION_TOOLS_ONLY);
        assertTurn(run, relay, sandbox);
        const why = explain(run, relay, sandbox);
        const hits = upstream.simulator.hits;
        const path = kind === "chat-only" ? "/v1/chat/completions" : "/v1/messages";
        assert.ok(
          hits.every((h) => h.path === path && h.status === 200),
          why,
        );
        const last = JSON.stringify(hits.at(-1)?.body);
        if (kind === "chat-only") assert.match(last, /"role":"tool","tool_call_id":"call_sim/, why);
        else assert.match(last, /"type":"tool_result","tool_use_id":"toolu_/, why);
        assert.match(last, new RegExp(sandbox.marker), why);
        await assertLedgered(relay);
      });

      if (kind === "chat-only") {
        // The relay leaves out hosted tools that are only offered (namespace, web_search) when it
        // translates, and says so in overt-transformations: Codex works with its defaults.
        it("codex exec with Codex's default tools (namespace + web_search)", {
          timeout: 90_000,
        }, async () => {
          const fresh = await createAgentSandbox();
          const before = relay.requests.length;
          try {
            const run = await runCodex(agent, fresh, relay, []);
            const why = explain(run, relay, fresh);
            assert.equal(run.code, 0, why);
            assert.ok(
              relay.requests.slice(before).every((r) => r.status === 200),
              why,
            );
          } finally {
            await fresh.close();
          }
        });
      }
    });
  }
});
