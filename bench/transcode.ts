// `npm run bench:transcode`: CPU µs per SSE frame through each stream transcoder,
// same-dialect passthrough vs translated (Anthropic client on an OpenAI-dialect
// upstream). In-process and single-threaded: measures the relay's own work per
// frame, not the network. Prints the ratio translated / passthrough.
import { cpuUsage } from "node:process";
import type { StreamTranscoder } from "../src/pipeline/transcode.js";
import { OpenAiPassthroughStream } from "../src/pipeline/transcoders/openai-passthrough.js";
import { TranslatedStream } from "../src/pipeline/transcoders/translated.js";
import type { EventSourceMessage } from "../src/transport/sse-reader.js";

const FRAMES_PER_STREAM = 200;

function frames(): EventSourceMessage[] {
  const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "bench-model" };
  const out: EventSourceMessage[] = [];
  const push = (value: unknown) => out.push({ id: undefined, event: undefined, data: JSON.stringify(value) });
  push({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
  for (let i = 0; i < FRAMES_PER_STREAM; i++) {
    push({ ...base, choices: [{ index: 0, delta: { content: `token ${i} 你好 ` }, finish_reason: null }] });
  }
  push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
  push({
    ...base,
    choices: [],
    usage: { prompt_tokens: 10, completion_tokens: FRAMES_PER_STREAM, total_tokens: 210 },
  });
  out.push({ id: undefined, event: undefined, data: "[DONE]" });
  return out;
}

function measure(name: string, make: () => StreamTranscoder, streams: number): number {
  const input = frames();
  let bytes = 0;
  const run = (n: number) => {
    for (let s = 0; s < n; s++) {
      const t = make();
      for (const f of input) bytes += t.event(f).out.length;
    }
  };
  run(Math.ceil(streams / 10)); // warm-up
  const before = cpuUsage();
  run(streams);
  const used = cpuUsage(before);
  const perFrame = (used.user + used.system) / (streams * input.length);
  console.log(
    `${name.padEnd(36)} ${perFrame.toFixed(3)} µs/frame  (${streams} streams × ${input.length} frames)`,
  );
  return bytes > 0 ? perFrame : Number.NaN;
}

const streams = Number(process.argv[2] ?? 2000);
const passthrough = measure(
  "openai → openai (passthrough)",
  () => new OpenAiPassthroughStream("bench", false, []),
  streams,
);
const translated = measure(
  "openai upstream → anthropic client",
  () =>
    new TranslatedStream("openai-chat", "anthropic-messages", {
      provider: "bench",
      requestId: "req_bench",
      includeUsage: true,
    }),
  streams,
);
console.log(`translated / passthrough: ${(translated / passthrough).toFixed(2)}× (target ≤ 1.5×)`);
