/**
 * One client per dialect, each the official SDK, with the same three scenarios:
 * a plain answer, a streamed answer, and a tool-call round trip. The shared
 * scenario suite (test/e2e/scenarios.test.ts) runs them against every adapter.
 */
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI, Type } from "@google/genai";
import OpenAI from "openai";

export interface ScenarioClient {
  name: string;
  text(model: string, prompt: string): Promise<string>;
  stream(model: string, prompt: string): Promise<string>;
  /** Asks, receives a call to `lookup`, answers it with "42", returns the final text. */
  toolRoundTrip(model: string): Promise<string>;
}

const SCHEMA = { type: "object", properties: { q: { type: "string" } }, required: ["q"] } as const;

export function scenarioClients(baseUrl: string, key: string): ScenarioClient[] {
  const openai = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: key, baseURL: baseUrl, maxRetries: 0 });
  const gemini = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl } });
  return [
    {
      name: "openai-chat",
      text: async (model, prompt) =>
        (await openai.chat.completions.create({ model, messages: [{ role: "user", content: prompt }] }))
          .choices[0]?.message.content ?? "",
      async stream(model, prompt) {
        let text = "";
        const s = await openai.chat.completions.create({
          model,
          messages: [{ role: "user", content: prompt }],
          stream: true,
        });
        for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? "";
        return text;
      },
      async toolRoundTrip(model) {
        const tools: OpenAI.ChatCompletionTool[] = [
          { type: "function", function: { name: "lookup", parameters: { ...SCHEMA } } },
        ];
        const first = await openai.chat.completions.create({
          model,
          messages: [{ role: "user", content: "look" }],
          tools,
        });
        const call = first.choices[0]?.message.tool_calls?.[0];
        if (call?.type !== "function") throw new Error("no tool call");
        const second = await openai.chat.completions.create({
          model,
          tools,
          messages: [
            { role: "user", content: "look" },
            { role: "assistant", content: null, tool_calls: [call] },
            { role: "tool", tool_call_id: call.id, content: "42" },
          ],
        });
        return second.choices[0]?.message.content ?? "";
      },
    },
    {
      name: "openai-responses",
      text: async (model, prompt) => (await openai.responses.create({ model, input: prompt })).output_text,
      async stream(model, prompt) {
        let text = "";
        const s = openai.responses.stream({ model, input: prompt });
        s.on("response.output_text.delta", (e) => {
          text += e.delta;
        });
        await s.finalResponse();
        return text;
      },
      async toolRoundTrip(model) {
        const tools: OpenAI.Responses.Tool[] = [
          { type: "function", name: "lookup", strict: false, parameters: { ...SCHEMA } },
        ];
        const first = await openai.responses.create({ model, input: "look", tools });
        const call = first.output.find((i) => i.type === "function_call");
        if (call?.type !== "function_call") throw new Error("no tool call");
        const second = await openai.responses.create({
          model,
          tools,
          input: [
            { role: "user", content: "look" },
            { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
            { type: "function_call_output", call_id: call.call_id, output: "42" },
          ],
        });
        return second.output_text;
      },
    },
    {
      name: "anthropic-messages",
      async text(model, prompt) {
        const m = await anthropic.messages.create({
          model,
          max_tokens: 64,
          messages: [{ role: "user", content: prompt }],
        });
        return m.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      },
      async stream(model, prompt) {
        let text = "";
        const s = anthropic.messages.stream({
          model,
          max_tokens: 64,
          messages: [{ role: "user", content: prompt }],
        });
        s.on("text", (delta) => {
          text += delta;
        });
        await s.finalMessage();
        return text;
      },
      async toolRoundTrip(model) {
        const tools = [{ name: "lookup", input_schema: { ...SCHEMA, required: ["q"] } }];
        const first = await anthropic.messages.create({
          model,
          max_tokens: 64,
          tools,
          messages: [{ role: "user", content: "look" }],
        });
        const call = first.content.find((b) => b.type === "tool_use");
        if (call?.type !== "tool_use") throw new Error("no tool call");
        const second = await anthropic.messages.create({
          model,
          max_tokens: 64,
          tools,
          messages: [
            { role: "user", content: "look" },
            { role: "assistant", content: first.content },
            { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "42" }] },
          ],
        });
        return second.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      },
    },
    {
      name: "gemini",
      text: async (model, prompt) =>
        (await gemini.models.generateContent({ model, contents: prompt })).text ?? "",
      async stream(model, prompt) {
        let text = "";
        for await (const chunk of await gemini.models.generateContentStream({ model, contents: prompt }))
          text += chunk.text ?? "";
        return text;
      },
      async toolRoundTrip(model) {
        const declaration = {
          name: "lookup",
          parameters: { type: Type.OBJECT, properties: { q: { type: Type.STRING } }, required: ["q"] },
        };
        const config = { tools: [{ functionDeclarations: [declaration] }] };
        const first = await gemini.models.generateContent({ model, contents: "look", config });
        const call = first.functionCalls?.[0];
        if (!call) throw new Error("no tool call");
        const modelTurn = first.candidates?.[0]?.content ?? {
          role: "model",
          parts: [{ functionCall: call }],
        };
        const second = await gemini.models.generateContent({
          model,
          config,
          contents: [
            { role: "user", parts: [{ text: "look" }] },
            modelTurn,
            {
              role: "user",
              parts: [{ functionResponse: { name: "lookup", id: call.id, response: { output: "42" } } }],
            },
          ],
        });
        return second.text ?? "";
      },
    },
  ];
}
