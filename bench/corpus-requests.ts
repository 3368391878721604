// Request bodies in the client dialects for the guard benchmark: what the guard scans per request.
import {
  chineseDoc,
  codeDoc,
  englishDoc,
  englishSentence,
  envBlock,
  IDENTS,
  jsonDoc,
} from "./corpus-documents.js";
import { ALNUM, Rng } from "./corpus-rng.js";
import { email, mobile } from "./corpus-sensitive.js";

export interface RequestBody {
  name: string;
  raw: string;
}

/** OpenAI Chat Completions, ~20 KB: a system prompt and a few turns, one with code and one in Chinese. */
export function openAiChat(r: Rng): RequestBody {
  const body = {
    model: "gpt-4o",
    temperature: 0.2,
    max_tokens: 1024,
    messages: [
      { role: "system", content: englishDoc(r, 1500).text },
      { role: "user", content: englishDoc(r, 3000).text },
      { role: "assistant", content: englishDoc(r, 3000).text },
      {
        role: "user",
        content: [
          { type: "text", text: "Why does this fail in production?\n\n" },
          { type: "text", text: codeDoc(r, 5000).text + "\n" + envBlock(r).text },
        ],
      },
      { role: "assistant", content: englishDoc(r, 2000).text },
      { role: "user", content: chineseDoc(r, 5000).text },
    ],
  };
  return { name: "OpenAI chat, 6 messages", raw: JSON.stringify(body) };
}

/** Anthropic Messages with tools: tool_use inputs and tool_result JSON (decoded and scanned by the guard). */
export function anthropicTools(r: Rng): RequestBody {
  const messages: unknown[] = [{ role: "user", content: englishDoc(r, 1500).text }];
  for (let turn = 0; turn < 4; turn++) {
    const id = `toolu_${r.chars(ALNUM, 24)}`;
    messages.push({
      role: "assistant",
      content: [
        { type: "text", text: englishSentence(r) },
        {
          type: "tool_use",
          id,
          name: turn % 2 === 0 ? "query_orders" : "read_file",
          input:
            turn % 2 === 0 ? { status: "refunded", since: "2024-01-01", limit: 50 } : { path: "src/app.ts" },
        },
      ],
    });
    messages.push({
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: id,
          content: turn % 2 === 0 ? jsonDoc(r, 8000).text : [{ type: "text", text: codeDoc(r, 6000).text }],
        },
      ],
    });
  }
  messages.push({ role: "user", content: [{ type: "text", text: chineseDoc(r, 2000).text }] });
  const body = {
    model: "claude-sonnet-4-5",
    max_tokens: 4096,
    system: [{ type: "text", text: englishDoc(r, 2000).text, cache_control: { type: "ephemeral" } }],
    tools: [
      {
        name: "query_orders",
        description: "Query the orders table.",
        input_schema: {
          type: "object",
          properties: { status: { type: "string" }, since: { type: "string" }, limit: { type: "integer" } },
        },
      },
      {
        name: "read_file",
        description: "Read a file of the repository.",
        input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
      },
    ],
    messages,
  };
  return { name: "Anthropic, tool results", raw: JSON.stringify(body) };
}

/** An agent's context of ~200 KB: many OpenAI tool calls (JSON arguments) and tool outputs. */
export function agentContext(r: Rng): RequestBody {
  const messages: unknown[] = [
    { role: "system", content: englishDoc(r, 6000).text },
    { role: "user", content: englishDoc(r, 1000).text },
  ];
  let size = 0;
  let call = 0;
  while (size < 195 * 1024) {
    const id = `call_${r.chars(ALNUM, 24)}`;
    const kind = call++ % 3;
    const args =
      kind === 0
        ? { path: `src/${r.pick(IDENTS)}.ts` }
        : kind === 1
          ? { sql: "select * from orders where status = 'refunded' limit 50" }
          : { command: "grep -rn TODO src | head -50" };
    const output = kind === 0 ? codeDoc(r, 9000) : kind === 1 ? jsonDoc(r, 7000) : englishDoc(r, 3000);
    const turn = [
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id,
            type: "function",
            function: { name: ["read_file", "sql", "shell"][kind], arguments: JSON.stringify(args) },
          },
        ],
      },
      { role: "tool", tool_call_id: id, content: output.text },
    ];
    messages.push(...turn);
    size += JSON.stringify(turn).length;
  }
  messages.push({ role: "user", content: chineseDoc(r, 1500).text });
  const body = { model: "gpt-4.1", messages, tools: [], parallel_tool_calls: false };
  return { name: "agent context, OpenAI", raw: JSON.stringify(body) };
}

/** A typical chat request with a ~4 KB prompt; `withFindings` plants an email and a mobile number. */
export function typicalRequest(withFindings: boolean): string {
  const r = new Rng(7);
  const system = englishDoc(r, 900, 0).text.slice(0, 900);
  const user = englishDoc(r, 3000, 0).text.slice(0, 3000);
  const ask = withFindings
    ? `\nReply to ${email(r)} and text ${mobile(r)} when done.`
    : "\nReply to the whole team and text the lead when done.";
  return JSON.stringify({
    model: "bench-model",
    messages: [
      { role: "system", content: system },
      { role: "user", content: user + ask },
    ],
    max_tokens: 64,
  });
}
