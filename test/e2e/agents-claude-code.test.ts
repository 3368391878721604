/**
 * The real Claude Code (`claude -p`, from npm) through the relay, offline: on an
 * Anthropic upstream (Messages passthrough) and on an OpenAI-dialect upstream
 * ("Claude Code on DeepSeek": Messages translated to Chat Completions). Each run is
 * one turn with a tool call: the simulator calls Bash with `example`, Claude Code
 * runs it, sends the tool_result back, and the simulator's final answer quotes it.
 *
 * Skips when @anthropic-ai/claude-code is not installed (it is a devDependency; CI
 * installs it). Nothing leaves 127.0.0.1: HTTP(S)_PROXY points at a trap that
 * refuses and records any connection, and the test asserts it saw none.
 */
import assert from "node:assert/strict";
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

const found = findAgent("claude-code");
const MODEL = "claude-sonnet-4-5";

interface ClaudeResult {
  type: string;
  subtype: string;
  is_error: boolean;
  result: string;
  num_turns: number;
}

function claudeEnv(sandbox: AgentSandbox, relay: AgentRelay): Record<string, string> {
  return {
    ...sandbox.env,
    ANTHROPIC_BASE_URL: relay.baseUrl,
    ANTHROPIC_API_KEY: relay.key,
    // Background calls (titles, summaries) use the small model: send them to the same route.
    ANTHROPIC_DEFAULT_HAIKU_MODEL: MODEL,
    ANTHROPIC_SMALL_FAST_MODEL: MODEL,
    CLAUDE_CONFIG_DIR: `${sandbox.home}/.claude`,
    // Without these Claude Code also calls api.anthropic.com (telemetry), whatever the base URL.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
  };
}

async function runClaude(agent: AgentBinary, sandbox: AgentSandbox, relay: AgentRelay) {
  // Only Bash is offered, so the simulator's "call the first tool" is a Bash call. --allowedTools
  // approves it without a prompt (--dangerously-skip-permissions is refused when running as root).
  const args = [
    "-p",
    "Run the example command",
    "--model",
    MODEL,
    "--output-format",
    "json",
    "--tools",
    "Bash",
    "--allowedTools",
    "Bash",
    "--no-session-persistence",
  ];
  return runAgent(agent, args, { cwd: sandbox.work, env: claudeEnv(sandbox, relay), timeoutMs: 60_000 });
}

function parseResult(stdout: string): ClaudeResult {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  assert.ok(line, "claude printed no JSON result");
  return JSON.parse(line) as ClaudeResult;
}

function assertRelayClean(relay: AgentRelay, why: string): void {
  assert.ok(relay.requests.length >= 2, why);
  for (const r of relay.requests) {
    assert.equal(r.method, "POST", why);
    assert.match(r.url, /^\/v1\/messages(\?beta=true)?$/, why);
    assert.equal(r.status, 200, why);
  }
}

describe(`Claude Code through the relay (${typeof found === "string" ? "skipped" : found.package})`, {
  skip: typeof found === "string" ? found : false,
}, () => {
  const agent = found as AgentBinary;

  describe("on an Anthropic upstream (passthrough)", () => {
    let upstream: TestUpstream;
    let relay: AgentRelay;
    let sandbox: AgentSandbox;
    before(async () => {
      upstream = await startAnthropicUpstream({ id: "anthropic-sim" });
      relay = await startAgentRelay({
        providers: [upstream.provider],
        routes: { [MODEL]: [{ provider: "anthropic-sim", model: "claude-echo", weight: 1 }] },
      });
      sandbox = await createAgentSandbox();
    });
    after(async () => {
      await relay.close();
      await upstream.simulator.close();
      await sandbox.close();
    });

    it("claude -p completes a turn with a Bash tool call", { timeout: 90_000 }, async () => {
      const run = await runClaude(agent, sandbox, relay);
      const why = explain(run, relay, sandbox);
      assert.equal(run.code, 0, why);
      const result = parseResult(run.stdout);
      assert.equal(result.is_error, false, why);
      assert.ok(result.result.startsWith(`Tool said: ${sandbox.marker}`), why);

      assertRelayClean(relay, why);
      const hits = upstream.simulator.hits;
      assert.ok(
        hits.every((h) => h.path === "/v1/messages" && h.status === 200),
        why,
      );
      const first = hits[0]?.body as { model: string; stream: boolean; tools: Array<{ name: string }> };
      assert.equal(first.model, "claude-echo");
      assert.equal(first.stream, true);
      assert.deepEqual(
        first.tools.map((t) => t.name),
        ["Bash"],
      );
      const last = hits.at(-1)?.body as {
        messages: Array<{ role: string; content: unknown }>;
      };
      const assistant = last.messages.at(-2) as { role: string; content: Array<Record<string, unknown>> };
      assert.equal(assistant.role, "assistant");
      const toolUse = assistant.content.find((b) => b["type"] === "tool_use");
      assert.ok(toolUse, why);
      assert.equal(toolUse["name"], "Bash");
      assert.deepEqual(toolUse["input"], { command: "example" });
      const user = last.messages.at(-1) as { role: string; content: Array<Record<string, unknown>> };
      const toolResult = user.content.find((b) => b["type"] === "tool_result");
      assert.ok(toolResult, why);
      assert.equal(toolResult["tool_use_id"], toolUse["id"]);
      assert.match(JSON.stringify(toolResult["content"]), new RegExp(sandbox.marker));

      assert.deepEqual(sandbox.egress, [], "no connection left 127.0.0.1");
      await assertLedgered(relay);
    });
  });

  describe("on an OpenAI-dialect upstream (Claude Code on DeepSeek)", () => {
    let upstream: TestUpstream;
    let relay: AgentRelay;
    let sandbox: AgentSandbox;
    before(async () => {
      upstream = await startTestUpstream({ id: "deepseek-like", models: ["sim-model"] });
      relay = await startAgentRelay({
        providers: [upstream.provider],
        routes: { [MODEL]: [{ provider: "deepseek-like", model: "sim-model", weight: 1 }] },
      });
      sandbox = await createAgentSandbox();
    });
    after(async () => {
      await relay.close();
      await upstream.simulator.close();
      await sandbox.close();
    });

    it("claude -p completes a turn with a Bash tool call, translated", { timeout: 90_000 }, async () => {
      const run = await runClaude(agent, sandbox, relay);
      const why = explain(run, relay, sandbox);
      assert.equal(run.code, 0, why);
      const result = parseResult(run.stdout);
      assert.equal(result.is_error, false, why);
      assert.ok(result.result.startsWith(`Tool said: ${sandbox.marker}`), why);

      assertRelayClean(relay, why);
      const hits = upstream.simulator.hits;
      assert.ok(
        hits.every((h) => h.path === "/v1/chat/completions" && h.status === 200),
        why,
      );
      const first = hits[0]?.body as {
        model: string;
        stream: boolean;
        tools: Array<{ type: string; function: { name: string } }>;
      };
      assert.equal(first.model, "sim-model");
      assert.equal(first.stream, true);
      assert.deepEqual(
        first.tools.map((t) => t.function.name),
        ["Bash"],
      );
      const last = hits.at(-1)?.body as { messages: Array<Record<string, unknown>> };
      const assistant = last.messages.at(-2) as {
        role: string;
        tool_calls: Array<{ id: string; function: { name: string; arguments: string } }>;
      };
      assert.equal(assistant.role, "assistant");
      assert.equal(assistant.tool_calls[0]?.function.name, "Bash");
      assert.deepEqual(JSON.parse(assistant.tool_calls[0]?.function.arguments ?? ""), { command: "example" });
      const tool = last.messages.at(-1) as { role: string; tool_call_id: string; content: unknown };
      assert.equal(tool.role, "tool");
      assert.equal(tool.tool_call_id, assistant.tool_calls[0]?.id);
      assert.match(JSON.stringify(tool.content), new RegExp(sandbox.marker));

      assert.deepEqual(sandbox.egress, [], "no connection left 127.0.0.1");
      await assertLedgered(relay);
    });
  });
});
