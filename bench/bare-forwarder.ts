// The baseline: the least a relay can do. A node:http server that buffers each request body, forwards it
// with a keep-alive undici Pool to the upstream and streams status, content-type and body back.
// Usage: node dist/bench/bare-forwarder.js <upstream origin>. Prints `listening on http://127.0.0.1:PORT`.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { Pool } from "undici";

const origin = process.argv[2];
if (origin === undefined) {
  process.stderr.write("usage: bare-forwarder <upstream origin>\n");
  process.exit(2);
}
const pool = new Pool(origin, { keepAliveTimeout: 60_000 });

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const upstream = await pool.request({
    path: req.url ?? "/",
    method: req.method === "GET" ? "GET" : "POST",
    headers: { "content-type": req.headers["content-type"] ?? "application/json" },
    body: req.method === "GET" ? null : body,
  });
  const type = upstream.headers["content-type"];
  res.writeHead(upstream.statusCode, type === undefined ? {} : { "content-type": type });
  await pipeline(upstream.body, res);
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  forward(req, res).catch((err: unknown) => {
    if (!res.headersSent) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(err), type: "bad_gateway" } }));
    } else {
      res.destroy();
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(`bare forwarder listening on http://127.0.0.1:${address.port}\n`);
});
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));
