/**
 * Helpers for the receipt-verification, log-audit and Go interop tests (issue
 * 5): one request through a test relay with everything a client keeps (request
 * and response bytes, blind, receipt, proof) written to files; a small HTTP
 * proxy in front of a relay that can replace what it serves (to play a relay
 * that forks its log or swaps its key); tiles downloaded to a directory at
 * their C2SP paths.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { newTiles, tilePath } from "../../src/integrity/tiles.js";
import { post } from "./http.js";
import type { TestRelay } from "./relay.js";

export interface WellKnown {
  log: {
    origin: string;
    verifierKeys: string[];
    maxMergeDelaySeconds: number;
    checkpoint: string;
    tiles: string;
  };
  receipts: Record<string, unknown>;
}

export async function wellKnown(baseUrl: string): Promise<WellKnown> {
  return (await (await fetch(`${baseUrl}/.well-known/overt.json`)).json()) as WellKnown;
}

export async function getText(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return response.text();
}

/** Runs the sequencer until the receipt's proof is served (at most ~5 s). */
export async function waitForProof(
  relay: TestRelay,
  id: string,
  auth: Record<string, string>,
): Promise<string> {
  for (let attempt = 0; attempt < 250; attempt++) {
    await relay.relay.integrity.sequencer.run();
    const response = await fetch(`${relay.baseUrl}/v1/receipts/${id}/proof`, { headers: auth });
    if (response.status === 200) return response.text();
    await response.body?.cancel();
    if (response.status !== 409 && response.status !== 404)
      throw new Error(`GET /v1/receipts/${id}/proof: ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`receipt ${id} was not integrated within 5 s`);
}

export interface SavedExchange {
  id: string;
  blind: string;
  /** Files in `dir`. */
  body: string;
  response: string;
  receipt: string;
  proof: string;
  /** The receipt text as served. */
  receiptText: string;
  proofText: string;
}

/** One chat request; sequences the log and writes body, response, receipt and proof under `dir/<name>.*`. */
export async function saveExchange(
  relay: TestRelay,
  dir: string,
  name: string,
  content: string,
  stream = false,
): Promise<SavedExchange> {
  const body = JSON.stringify({ model: "gpt-echo", stream, messages: [{ role: "user", content }] });
  const auth = { authorization: `Bearer ${relay.key}` };
  const response = await post(relay.baseUrl, "/v1/chat/completions", body, auth);
  const responseBytes = Buffer.from(await response.arrayBuffer());
  const id = response.headers.get("overt-receipt-id") ?? "";
  const blind = response.headers.get("overt-receipt-blind") ?? "";
  // The receipt is finished once the relay has written the last byte, which may be just after the
  // client read it: wait for the proof as a client does (409 + Retry-After until integrated).
  const proofText = await waitForProof(relay, id, auth);
  const receiptText = await getText(`${relay.baseUrl}/v1/receipts/${id}`, auth);
  const file = (suffix: string, data: string | Buffer) => {
    const path = join(dir, `${name}.${suffix}`);
    writeFileSync(path, data);
    return path;
  };
  return {
    id,
    blind,
    body: file("body.json", body),
    response: file("response", responseBytes),
    receipt: file("receipt", receiptText),
    proof: file("proof", proofText),
    receiptText,
    proofText,
  };
}

/** Writes every tile and entry bundle of the log at `size` under `dir` at its C2SP path (dir/tile/0/000.p/5). */
export async function downloadTiles(baseUrl: string, size: number, dir: string): Promise<number> {
  const tiles = newTiles(0, size);
  const paths = [
    ...tiles.map(tilePath),
    ...tiles.filter((t) => t.level === 0).map((t) => tilePath({ ...t, level: -1 })),
  ];
  for (const path of paths) {
    const response = await fetch(`${baseUrl}/log/${path}`);
    if (response.status !== 200) throw new Error(`GET /log/${path}: ${response.status}`);
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, Buffer.from(await response.arrayBuffer()));
  }
  return paths.length;
}

/** Replaces what the proxy serves for a path; undefined: pass through to the relay. */
export type Override = (path: string) => Buffer | string | undefined | Promise<Buffer | string | undefined>;

export interface RelayProxy {
  url: string;
  /** Where unanswered requests go (changeable, e.g. to a restarted relay). */
  target: string;
  /** Set to change what is served from the next request on. */
  override: Override;
  close(): Promise<void>;
}

/** A relay in front of `target` that passes GETs through unless `override` answers. */
export async function startProxy(target: string): Promise<RelayProxy> {
  const proxy: RelayProxy = { url: "", target, override: () => undefined, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const path = request.url ?? "/";
    Promise.resolve(proxy.override(path))
      .then(async (replaced) => {
        if (replaced !== undefined) {
          response.writeHead(200, { "content-type": "application/octet-stream" }).end(replaced);
          return;
        }
        const upstream = await fetch(`${proxy.target}${path}`);
        const bytes = Buffer.from(await upstream.arrayBuffer());
        response
          .writeHead(upstream.status, {
            "content-type": upstream.headers.get("content-type") ?? "text/plain",
          })
          .end(bytes);
      })
      .catch((error: unknown) => response.writeHead(502).end(String(error)));
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise((done) => server.close(() => done()));
  return proxy;
}
