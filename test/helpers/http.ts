/** Small raw-HTTP helpers for security tests, where the exact bytes on the wire matter. */
import assert from "node:assert/strict";

export interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string };
}

export async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Asserts an OpenAI-style error envelope with the stable headers, and returns it. */
export async function expectOpenAiError(
  response: Response,
  status: number,
  code: string,
): Promise<ErrorEnvelope> {
  const text = await response.text();
  assert.equal(response.status, status, `status (body: ${text.slice(0, 300)})`);
  assert.equal(response.headers.get("overt-error-code"), code);
  assert.match(response.headers.get("x-request-id") ?? "", /^req_/);
  const body = JSON.parse(text) as ErrorEnvelope;
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, "string");
  assert.ok(body.error.message.length > 0);
  assert.ok("param" in body.error && "type" in body.error);
  // V5: no stack traces, file paths, SQL or upstream URLs in messages.
  assert.doesNotMatch(body.error.message, /at \w+ \(|\/work\/|SELECT |INSERT |http:\/\/127\.0\.0\.1/);
  return body;
}

/** Reads an SSE response to the end and returns its data payloads. */
export async function readSse(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .map((block) =>
      block
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n"),
    )
    .filter((data) => data.length > 0);
}
