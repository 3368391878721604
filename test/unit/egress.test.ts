/**
 * The SSRF-safe egress path (security catalogue E1–E11, D6): URL checks, the
 * pinning lookup, and the undici dispatcher built from them. No network: every
 * blocked request must fail before a socket is opened, and the "internal"
 * listener is the simulator on 127.0.0.1.
 */
import assert from "node:assert/strict";
import type { LookupAddress } from "node:dns";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import {
  assertUrlAllowed,
  createEgressLookup,
  createUpstreamDispatcher,
  EgressBlockedError,
  type EgressResolver,
} from "../../src/transport/egress.js";
import { type Simulator, startSimulator } from "../../src/upstreams/simulator/index.js";

/** Catalogue E1–E6: literal and named internal targets. */
const INTERNAL_URLS = [
  "http://169.254.169.254/latest/meta-data/iam/",
  "http://[fd00:ec2::254]/",
  "http://100.100.100.200/latest/meta-data/",
  "http://metadata.google.internal/",
  "http://metadata.tencentyun.com/",
  "http://169.254.0.23/",
  "http://127.0.0.1:6379/",
  "http://localhost/",
  "http://localhost./",
  "http://[::1]/",
  "http://0.0.0.0:8080/",
  "http://[::]/",
  "http://2130706433/",
  "http://0x7f000001/",
  "http://017700000001/",
  "http://127.1/",
  "http://0177.0.0.1/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[::ffff:a9fe:a9fe]/",
  "http://[64:ff9b::a9fe:a9fe]/",
  "http://127。0。0。1/",
  // IPv6 forms that embed an IPv4 address or are not globally routable (address-policy extension).
  "http://[::127.0.0.1]/",
  "http://[::a9fe:a9fe]/",
  "http://[::ffff:0:7f00:1]/",
  "http://[2001::1]/",
  "http://[fec0::1]/",
];

const TIMEOUTS = { connectTimeoutMs: 1_000, headersTimeoutMs: 2_000, bodyTimeoutMs: 2_000 };

function isBlocked(reason?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof EgressBlockedError, `expected EgressBlockedError, got ${String(error)}`);
    if (reason !== undefined) assert.equal(error.reason, reason);
    return true;
  };
}

/** A resolver from a fixed table; counts calls per name. */
function tableResolver(
  table: Record<string, string[] | string[][]>,
): EgressResolver & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    const count = calls.get(hostname) ?? 0;
    calls.set(hostname, count + 1);
    const entry = table[hostname];
    if (entry === undefined) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    const answers = Array.isArray(entry[0]) ? ((entry as string[][])[count] ?? []) : (entry as string[]);
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

function lookupOnce(
  lookup: ReturnType<typeof createEgressLookup>,
  hostname: string,
  all: boolean,
): Promise<{ address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all }, (err, address, family) => (err ? reject(err) : resolve({ address, family })));
  });
}

describe("assertUrlAllowed", () => {
  it("blocks every internal address form when private egress is off (E1–E6, E10)", () => {
    for (const url of INTERNAL_URLS) {
      assert.throws(() => assertUrlAllowed(new URL(url), false), isBlocked(), url);
      assert.throws(() => assertUrlAllowed(url, false), isBlocked(), url);
    }
  });

  it("allows them when private egress is on (self-hosted upstreams, E14)", () => {
    for (const url of INTERNAL_URLS) assert.doesNotThrow(() => assertUrlAllowed(new URL(url), true), url);
  });

  it("allows public literal addresses and names left for the resolver", () => {
    for (const url of [
      "https://api.openai.com/v1",
      "http://8.8.8.8/",
      "https://[2606:4700::1111]/",
      "http://evil.example#@127.0.0.1/",
    ]) {
      assert.doesNotThrow(() => assertUrlAllowed(new URL(url), false), url);
    }
  });

  it("rejects other schemes, userinfo and backslashes whatever allowPrivate says (E10, E11)", () => {
    const cases: Array<[string, string]> = [
      ["file:///etc/passwd", "scheme"],
      ["gopher://example.com/", "scheme"],
      ["ftp://example.com/", "scheme"],
      ["data:text/plain,hello", "scheme"],
      ["ws://example.com/", "scheme"],
      ["http://user:pass@example.com/", "userinfo"],
      ["http://evil.example%2F@127.0.0.1/", "userinfo"],
      ["http://127.0.0.1\\@evil.example/", "backslash"],
      ["not a url", "invalid-url"],
    ];
    for (const allowPrivate of [false, true]) {
      for (const [url, reason] of cases)
        assert.throws(() => assertUrlAllowed(url, allowPrivate), isBlocked(reason), url);
    }
  });

  it("names the host, never the URL's path or query, in the error", () => {
    try {
      assertUrlAllowed("http://169.254.169.254/secret?token=abc", false);
      assert.fail("should have thrown");
    } catch (error) {
      assert.ok(error instanceof EgressBlockedError);
      assert.ok(!error.message.includes("token=abc"));
      assert.ok(!error.message.includes("/secret"));
    }
  });
});

describe("createEgressLookup", () => {
  it("refuses a name resolving to loopback (E7) and known-internal names without resolving", async () => {
    const resolver = tableResolver({
      "internal.localtest": ["127.0.0.1"],
      "mixed.localtest": ["93.184.216.34", "10.0.0.7"],
    });
    const lookup = createEgressLookup(false, resolver);
    await assert.rejects(
      lookupOnce(lookup, "internal.localtest", true),
      isBlocked("resolved-private-address"),
    );
    await assert.rejects(lookupOnce(lookup, "mixed.localtest", false), isBlocked("resolved-private-address"));
    await assert.rejects(lookupOnce(lookup, "localhost", true), isBlocked("blocked-name"));
    await assert.rejects(lookupOnce(lookup, "metadata.google.internal", true), isBlocked("blocked-name"));
    assert.equal(resolver.calls.get("localhost"), undefined, "blocked names are never resolved");
  });

  it("resolves once and returns exactly the checked address (E8 rebinding)", async () => {
    // First answer public, any later answer loopback: only the first may ever be used.
    const resolver = tableResolver({ "rebind.localtest": [["93.184.216.34"], ["127.0.0.1"]] });
    const lookup = createEgressLookup(false, resolver);
    const single = await lookupOnce(lookup, "rebind.localtest", false);
    assert.deepEqual(single, { address: "93.184.216.34", family: 4 });
    assert.equal(resolver.calls.get("rebind.localtest"), 1);
    // A second connection is a second, independent check — and it is refused.
    await assert.rejects(lookupOnce(lookup, "rebind.localtest", true), isBlocked("resolved-private-address"));
  });

  it("returns every address when asked for all (happy eyeballs)", async () => {
    const resolver = tableResolver({
      "dual.localtest": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    });
    const result = await lookupOnce(createEgressLookup(false, resolver), "dual.localtest", true);
    assert.deepEqual(result.address, [
      { address: "93.184.216.34", family: 4 },
      { address: "2606:2800:220:1:248:1893:25c8:1946", family: 6 },
    ]);
  });

  it("passes resolver failures through unchanged", async () => {
    const lookup = createEgressLookup(false, tableResolver({}));
    await assert.rejects(lookupOnce(lookup, "nowhere.localtest", true), (err: unknown) => {
      assert.equal((err as { code?: string }).code, "ENOTFOUND");
      return true;
    });
  });
});

describe("createUpstreamDispatcher", () => {
  let sim: Simulator;
  let port: number;
  before(async () => {
    sim = await startSimulator({
      script: ({ path }) =>
        path.endsWith("/redirect")
          ? { kind: "redirect", location: `${sim.url}/models` }
          : path.endsWith("/stall")
            ? { kind: "stall-before-headers" }
            : path.endsWith("/stall-body")
              ? { kind: "stall-after-headers", stream: true }
              : undefined,
    });
    port = Number(new URL(sim.url).port);
  });
  after(() => sim.close());

  it("blocks literal and named internal targets before connecting (E1–E6)", async () => {
    const dispatcher = createUpstreamDispatcher({ allowPrivate: false, ...TIMEOUTS });
    try {
      for (const url of INTERNAL_URLS) await assert.rejects(request(url, { dispatcher }), isBlocked(), url);
      const before = sim.hits.length;
      await assert.rejects(request(`${sim.url}/models`, { dispatcher }), isBlocked("private-address"));
      assert.equal(sim.hits.length, before, "the internal listener received nothing");
    } finally {
      await dispatcher.close();
    }
  });

  it("blocks a name that resolves to 127.0.0.1 at connect time (E7)", async () => {
    const resolver = tableResolver({ "internal.localtest": ["127.0.0.1"] });
    const dispatcher = createUpstreamDispatcher({ allowPrivate: false, resolve: resolver, ...TIMEOUTS });
    try {
      const before = sim.hits.length;
      await assert.rejects(
        request(`http://internal.localtest:${port}/v1/models`, { dispatcher }),
        isBlocked("resolved-private-address"),
      );
      assert.equal(resolver.calls.get("internal.localtest"), 1);
      assert.equal(sim.hits.length, before, "the internal listener received nothing");
    } finally {
      await dispatcher.close();
    }
  });

  it("with allowPrivate, reaches the local simulator and connects to the resolved address (pinning)", async () => {
    const resolver = tableResolver({ "upstream.localtest": ["127.0.0.1"] });
    const dispatcher = createUpstreamDispatcher({ allowPrivate: true, resolve: resolver, ...TIMEOUTS });
    try {
      const direct = await request(`${sim.url}/chat/completions`, {
        dispatcher,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "via egress" }] }),
      });
      assert.equal(direct.statusCode, 200);
      const body = (await direct.body.json()) as { choices: Array<{ message: { content: string } }> };
      assert.equal(body.choices[0]!.message.content, "You said: via egress");

      // `upstream.localtest` exists only in the test resolver: reaching the simulator proves the
      // socket used the address the egress lookup returned.
      for (let i = 0; i < 2; i++) {
        const named = await request(`http://upstream.localtest:${port}/v1/models`, { dispatcher });
        assert.equal(named.statusCode, 200);
        await named.body.json();
        await new Promise((resolve) => setImmediate(resolve)); // let the pool mark the socket idle
      }
      assert.equal(sim.hits.at(-1)!.headers.host, `upstream.localtest:${port}`);
      assert.equal(resolver.calls.get("upstream.localtest"), 1, "keep-alive reuses the pinned connection");
    } finally {
      await dispatcher.close();
    }
  });

  it("returns a 302 as a 302 and never follows it (D6, E9)", async () => {
    const dispatcher = createUpstreamDispatcher({ allowPrivate: true, ...TIMEOUTS });
    try {
      const before = sim.hits.length;
      const res = await request(`${sim.url}/redirect`, { dispatcher });
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, `${sim.url}/models`);
      await res.body.dump();
      assert.equal(sim.hits.length, before + 1, "the redirect target was not requested");
    } finally {
      await dispatcher.close();
    }
  });

  it("applies the headers and body timeouts", async () => {
    const dispatcher = createUpstreamDispatcher({
      allowPrivate: true,
      connectTimeoutMs: 1_000,
      headersTimeoutMs: 150,
      bodyTimeoutMs: 150,
    });
    try {
      await assert.rejects(request(`${sim.url}/stall`, { dispatcher }), (err: unknown) => {
        assert.equal((err as { code?: string }).code, "UND_ERR_HEADERS_TIMEOUT");
        return true;
      });
      const res = await request(`${sim.url}/stall-body`, { dispatcher });
      assert.equal(res.statusCode, 200);
      await assert.rejects(res.body.text(), (err: unknown) => {
        assert.equal((err as { code?: string }).code, "UND_ERR_BODY_TIMEOUT");
        return true;
      });
    } finally {
      await dispatcher.close();
    }
  });
});
