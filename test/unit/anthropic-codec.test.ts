/**
 * Anthropic Messages codec, request side: decodeMessagesRequest maps a
 * Claude-Code-shaped body to the exact IR, and keeps what has no IR home in
 * `extensions` (failures: anthropic-codec-errors.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMessagesRequest } from "../../src/protocols/anthropic-messages/decode.js";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** The shape Claude Code sends: system blocks with cache_control, tools, thinking, a tool round trip. */
const claudeCodeBody = {
  model: "claude-sonnet-4-5",
  max_tokens: 32000,
  stream: true,
  system: [
    { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
    { type: "text", text: "Be concise.", cache_control: { type: "ephemeral" } },
  ],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "读一下 README 并看这张图" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Need to read the file.", signature: "EqQBCgIYAh" },
        { type: "redacted_thinking", data: "EmwKAhgBEgy3" },
        { type: "text", text: "Reading it." },
        { type: "tool_use", id: "toolu_01A", name: "Read", input: { file_path: "/repo/README.md" } },
      ],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "toolu_01A",
          content: [{ type: "text", text: "# Overt" }],
          is_error: false,
          cache_control: { type: "ephemeral", ttl: "1h" },
        },
        { type: "tool_result", tool_use_id: "toolu_01B", content: "boom", is_error: true },
        { type: "text", text: "继续" },
      ],
    },
  ],
  tools: [
    {
      name: "Read",
      description: "Reads a file",
      input_schema: {
        type: "object",
        properties: { file_path: { type: "string" } },
        required: ["file_path"],
      },
    },
  ],
  tool_choice: { type: "auto", disable_parallel_tool_use: true },
  thinking: { type: "enabled", budget_tokens: 4096 },
  temperature: 1,
  top_k: 40,
  stop_sequences: ["</done>"],
  metadata: { user_id: "user_abc_account_def_session_ghi" },
  context_management: { edits: [] },
};

const minimal = (over: Record<string, unknown> = {}) => ({
  model: "m",
  max_tokens: 10,
  messages: [{ role: "user", content: "hi" }],
  ...over,
});

describe("decodeMessagesRequest", () => {
  it("maps a Claude-Code-shaped request to the exact IR", () => {
    assert.deepEqual(decodeMessagesRequest(claudeCodeBody), {
      model: "claude-sonnet-4-5",
      system: [
        { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
        { type: "text", text: "Be concise.", cacheControl: { type: "ephemeral" } },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "读一下 README 并看这张图" },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: PNG } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Need to read the file.", signature: "EqQBCgIYAh" },
            { type: "redacted_thinking", data: "EmwKAhgBEgy3" },
            { type: "text", text: "Reading it." },
            { type: "tool_use", id: "toolu_01A", name: "Read", input: { file_path: "/repo/README.md" } },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              toolUseId: "toolu_01A",
              content: [{ type: "text", text: "# Overt" }],
              cacheControl: { type: "ephemeral", ttl: "1h" },
            },
            {
              type: "tool_result",
              toolUseId: "toolu_01B",
              content: [{ type: "text", text: "boom" }],
              isError: true,
            },
            { type: "text", text: "继续" },
          ],
        },
      ],
      tools: [
        {
          name: "Read",
          description: "Reads a file",
          inputSchema: {
            type: "object",
            properties: { file_path: { type: "string" } },
            required: ["file_path"],
          },
        },
      ],
      toolChoice: { type: "auto" },
      parallelToolCalls: false,
      maxOutputTokens: 32000,
      temperature: 1,
      topK: 40,
      stop: ["</done>"],
      stream: true,
      thinking: { type: "enabled", budgetTokens: 4096 },
      user: "user_abc_account_def_session_ghi",
      dialect: "anthropic-messages",
      extensions: { context_management: { edits: [] } },
    });
  });

  it("string content, string system, url images, text documents, tool choices", () => {
    const ir = decodeMessagesRequest(
      minimal({
        system: "Be brief.",
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
              {
                type: "document",
                source: { type: "text", media_type: "text/plain", data: "notes" },
                title: "N",
              },
              {
                type: "document",
                source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
              },
            ],
          },
          { role: "assistant", content: "ok" },
        ],
        tool_choice: { type: "tool", name: "Read" },
        thinking: { type: "adaptive", display: "omitted" },
      }),
    );
    assert.deepEqual(ir.system, [{ type: "text", text: "Be brief." }]);
    assert.deepEqual(ir.messages[0]?.content, [
      { type: "image", source: { kind: "url", url: "https://example.com/a.png" } },
      { type: "document", source: { kind: "text", text: "notes" }, title: "N" },
      { type: "document", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" } },
    ]);
    assert.deepEqual(ir.messages[1], { role: "assistant", content: [{ type: "text", text: "ok" }] });
    assert.deepEqual(ir.toolChoice, { type: "tool", name: "Read" });
    assert.equal(ir.parallelToolCalls, undefined);
    assert.deepEqual(ir.thinking, { type: "adaptive", display: "omitted" });
    assert.equal(ir.stream, false);
    assert.deepEqual(decodeMessagesRequest(minimal({ tool_choice: { type: "any" } })).toolChoice, {
      type: "required",
    });
    assert.deepEqual(decodeMessagesRequest(minimal({ tool_choice: { type: "none" } })).toolChoice, {
      type: "none",
    });
  });

  it("keeps fields without an IR home in extensions by dotted path", () => {
    const ir = decodeMessagesRequest(
      minimal({
        service_tier: "auto",
        metadata: { user_id: "u", tenant: "t" },
        messages: [{ role: "user", content: [{ type: "text", text: "x", future_flag: 1 }] }],
        tools: [{ name: "t", input_schema: { type: "object" }, input_examples: [{}] }],
      }),
    );
    assert.deepEqual(ir.extensions, {
      service_tier: "auto",
      "messages.0.content.0.future_flag": 1,
      "tools.0.input_examples": [{}],
      "metadata.tenant": "t",
    });
  });

  it("keeps provider-defined tools whole, as builtin", () => {
    const ir = decodeMessagesRequest(
      minimal({ tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 5 }] }),
    );
    assert.deepEqual(ir.tools, [
      {
        name: "web_search",
        inputSchema: undefined,
        builtin: { type: "web_search_20250305", fields: { name: "web_search", max_uses: 5 } },
      },
    ]);
  });
});
