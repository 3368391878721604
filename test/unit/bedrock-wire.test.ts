/**
 * Bedrock wire pieces: SigV4 signing and the AWS event stream framing.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OvertError } from "../../src/errors/overt-error.js";
import {
  converseEventOf,
  EventStreamDecoder,
  encodeEventStreamMessage,
} from "../../src/upstreams/bedrock/eventstream.js";
import { canonicalUri, signRequest } from "../../src/upstreams/bedrock/sigv4.js";

const EXAMPLE = {
  region: "us-east-1",
  service: "service",
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  now: new Date("2015-08-30T12:36:00Z"),
  contentSha256Header: false,
};

describe("SigV4", () => {
  // AWS Signature Version 4 test suite, case "get-vanilla" (the published
  // request, credentials and expected Authorization header; the same vector is
  // asserted by aws-c-auth, awscrt and several independent signers).
  it("matches the AWS test suite's get-vanilla vector", () => {
    const out = signRequest({
      ...EXAMPLE,
      method: "GET",
      url: new URL("https://example.amazonaws.com/"),
      headers: { host: "example.amazonaws.com" },
      body: "",
    });
    assert.equal(out["x-amz-date"], "20150830T123600Z");
    assert.equal(
      out.authorization,
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
        "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });

  // Test suite "get-vanilla-query-order-key-case": query parameters are sorted.
  it("matches the AWS test suite's get-vanilla-query-order-key-case vector", () => {
    const out = signRequest({
      ...EXAMPLE,
      method: "GET",
      url: new URL("https://example.amazonaws.com/?Param2=value2&Param1=value1"),
      headers: {},
      body: "",
    });
    assert.match(
      out.authorization ?? "",
      /Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/,
    );
  });

  it("adds the body hash and session token, and signs them", () => {
    const out = signRequest({
      ...EXAMPLE,
      contentSha256Header: true,
      sessionToken: "TOKEN",
      method: "POST",
      url: new URL("https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse"),
      headers: { "content-type": "application/json" },
      body: "",
    });
    assert.equal(
      out["x-amz-content-sha256"],
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.equal(out["x-amz-security-token"], "TOKEN");
    assert.match(
      out.authorization ?? "",
      /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, /,
    );
  });

  it("encodes each path segment again (model ids with ':')", () => {
    assert.equal(
      canonicalUri("/model/anthropic.claude-v2%3A1/converse"),
      "/model/anthropic.claude-v2%253A1/converse",
    );
    assert.equal(canonicalUri("/"), "/");
  });
});

describe("event stream", () => {
  const frame = encodeEventStreamMessage(
    { ":event-type": "contentBlockDelta", ":content-type": "application/json", ":message-type": "event" },
    Buffer.from('{"contentBlockIndex":0,"delta":{"text":"hi"}}'),
  );

  it("round-trips a frame, whole or byte by byte", () => {
    const [whole] = new EventStreamDecoder().push(frame);
    assert.ok(whole);
    assert.equal(whole.headers[":event-type"], "contentBlockDelta");
    assert.deepEqual(converseEventOf(whole), {
      eventType: "contentBlockDelta",
      payload: { contentBlockIndex: 0, delta: { text: "hi" } },
      exception: false,
    });
    const decoder = new EventStreamDecoder();
    const got = [];
    for (const byte of [...frame, ...frame]) got.push(...decoder.push(Uint8Array.of(byte)));
    assert.equal(got.length, 2);
    assert.equal(decoder.pending, 0);
  });

  it("reads exception frames", () => {
    const ex = encodeEventStreamMessage(
      { ":exception-type": "throttlingException", ":message-type": "exception" },
      Buffer.from('{"message":"slow down"}'),
    );
    const [msg] = new EventStreamDecoder().push(ex);
    assert.ok(msg);
    assert.deepEqual(converseEventOf(msg), {
      eventType: "throttlingException",
      payload: { message: "slow down" },
      exception: true,
    });
  });

  it("refuses a corrupt message CRC, a corrupt prelude and an oversized frame", () => {
    const isProtocol = (e: unknown) => e instanceof OvertError && e.errorName === "OVT_ERR_UPSTREAM_PROTOCOL";
    const body = Uint8Array.from(frame);
    body[20] = (body[20] ?? 0) ^ 0xff;
    assert.throws(() => new EventStreamDecoder().push(body), isProtocol);
    const prelude = Uint8Array.from(frame);
    prelude[3] = (prelude[3] ?? 0) ^ 0x01;
    assert.throws(() => new EventStreamDecoder().push(prelude), isProtocol);
    assert.throws(() => new EventStreamDecoder("p", 32).push(frame), isProtocol);
  });
});
