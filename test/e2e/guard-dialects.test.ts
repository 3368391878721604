/**
 * The guard on the request path, per client dialect (issue 4; catalogue B15,
 * B16, C10): with the protective defaults, a secret and Chinese PII sent to an
 * upstream abroad never reach it (the simulator refuses any request carrying
 * them), the echoing upstream's answer comes back with the real values restored
 * — also when streamed, where placeholders arrive split across deltas — and
 * `overt-redactions` counts what was replaced.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import {
  startAnthropicUpstream,
  startGeminiUpstream,
  startTestRelay,
  startTestUpstream,
  type TestRelay,
  type TestUpstream,
} from "../helpers/relay.js";

const ID = "11010519491231002X";
const MOBILE = "13800138000";
const SECRET = "sk-proj-abcdEFGH1234abcdEFGH1234abcdT3BlbkFJabcdEFGH1234abcdEFGH1234";
const FORBIDDEN = [ID, MOBILE, SECRET];
const PROMPT = `My ID is ${ID}, phone ${MOBILE}, key ${SECRET}.`;
const EXPECTED_HEADER = "pii.cn_mobile=1, pii.cn_resident_id=1, secret.openai=1";

describe("guard across dialects (protective defaults, upstreams abroad)", () => {
  let chat: TestUpstream;
  let claude: TestUpstream;
  let gem: TestUpstream;
  let relay: TestRelay;

  before(async () => {
    chat = await startTestUpstream({
      id: "compat",
      models: ["echo"],
      jurisdiction: "US",
      forbidden: FORBIDDEN,
    });
    claude = await startAnthropicUpstream({ id: "anthropic", forbidden: FORBIDDEN });
    gem = await startGeminiUpstream({ id: "gemini", forbidden: FORBIDDEN });
    relay = await startTestRelay({
      providers: [chat.provider, claude.provider, gem.provider],
      routes: {
        echo: [{ provider: "compat", model: "echo", weight: 1 }],
        "claude-echo": [{ provider: "anthropic", model: "claude-echo", weight: 1 }],
        "gemini-echo": [{ provider: "gemini", model: "gemini-echo", weight: 1 }],
      },
      transport: { maxAttempts: 1 },
    });
  });
  after(async () => {
    await relay.close();
    await Promise.all([chat, claude, gem].map((u) => u.simulator.close()));
  });

  function assertUpstreamsClean(): void {
    for (const u of [chat, claude, gem]) {
      for (const hit of u.simulator.hits)
        assert.equal(hit.forbidden, undefined, `${u.provider.id} got a value`);
    }
  }

  it("OpenAI chat: the upstream sees pseudonyms; the client gets its values back", async () => {
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const before = chat.simulator.hits.length;
    const { data, response } = await client.chat.completions
      .create({ model: "echo", messages: [{ role: "user", content: PROMPT }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, `You said: ${PROMPT}`);
    assert.equal(response.headers.get("overt-redactions"), EXPECTED_HEADER);
    const sent = chat.simulator.hits[before]?.rawBody ?? "";
    assert.match(sent, /<PII_CN_RESIDENT_ID_1>.*<PII_CN_MOBILE_1>.*<SECRET_OPENAI_1>/);
    assertUpstreamsClean();
  });

  it("OpenAI chat streaming: placeholders split across deltas are restored whole (C10)", async () => {
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "echo",
      stream: true,
      messages: [{ role: "user", content: PROMPT }],
    });
    const deltas: string[] = [];
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) deltas.push(piece);
    }
    assert.equal(deltas.join(""), `You said: ${PROMPT}`);
    assert.ok(deltas.length > 5, "the answer really was streamed in pieces");
    for (const d of deltas)
      assert.ok(!/<|PII_|SECRET_/.test(d), `no placeholder fragment reaches the client: ${d}`);
    assertUpstreamsClean();
  });

  it("Responses API (translated to chat): values restored", async () => {
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const response = await client.responses.create({ model: "echo", input: PROMPT });
    assert.equal(response.output_text, `You said: ${PROMPT}`);
    assertUpstreamsClean();
  });

  it("Anthropic Messages passthrough, streamed and not", async () => {
    const client = new Anthropic({ apiKey: relay.key, baseURL: relay.baseUrl, maxRetries: 0 });
    const { data, response } = await client.messages
      .create({
        model: "claude-echo",
        max_tokens: 200,
        system: `Operator ${MOBILE}`,
        messages: [{ role: "user", content: PROMPT }],
      })
      .withResponse();
    const block = data.content[0];
    assert.equal(block?.type === "text" ? block.text : "", `You said: ${PROMPT}`);
    assert.equal(
      response.headers.get("overt-redactions"),
      "pii.cn_mobile=2, pii.cn_resident_id=1, secret.openai=1",
    );
    const stream = client.messages.stream({
      model: "claude-echo",
      max_tokens: 200,
      messages: [{ role: "user", content: PROMPT }],
    });
    const final = await stream.finalMessage();
    const text = final.content[0];
    assert.equal(text?.type === "text" ? text.text : "", `You said: ${PROMPT}`);
    assertUpstreamsClean();
  });

  it("Gemini generateContent, streamed and not", async () => {
    const client = new GoogleGenAI({ apiKey: relay.key, httpOptions: { baseUrl: relay.baseUrl } });
    const once = await client.models.generateContent({ model: "gemini-echo", contents: PROMPT });
    assert.equal(once.text, `You said: ${PROMPT}`);
    let streamed = "";
    for await (const chunk of await client.models.generateContentStream({
      model: "gemini-echo",
      contents: PROMPT,
    })) {
      streamed += chunk.text ?? "";
    }
    assert.equal(streamed, `You said: ${PROMPT}`);
    assertUpstreamsClean();
  });

  it("OpenAI chat on an Anthropic upstream (translated both ways): values restored", async () => {
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const data = await client.chat.completions.create({
      model: "claude-echo",
      messages: [{ role: "user", content: PROMPT }],
    });
    assert.equal(data.choices[0]?.message.content, `You said: ${PROMPT}`);
    assertUpstreamsClean();
  });

  it("text without sensitive data passes through untouched, with no header", async () => {
    const client = new OpenAI({ apiKey: relay.key, baseURL: `${relay.baseUrl}/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({
        model: "echo",
        messages: [{ role: "user", content: "ID 110105194912310021 is a near miss" }],
      })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "You said: ID 110105194912310021 is a near miss");
    assert.equal(response.headers.get("overt-redactions"), null);
  });
});
