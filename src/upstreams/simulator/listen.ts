/**
 * What every simulator (OpenAI, Anthropic, Gemini, Bedrock) does once its request
 * handler exists: listen on 127.0.0.1, then expose its hits, a wait for a client
 * abort, and a close that also drops open connections.
 */
import type { EventEmitter } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Simulator, SimulatorHit } from "./types.js";

export async function listenSimulator(
  server: Server,
  port: number,
  hits: SimulatorHit[],
  events: EventEmitter,
  onClose: () => void,
  pathPrefix = "",
): Promise<Simulator> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}${pathPrefix}`,
    hits,
    waitForAbort(hitIndex: number, timeoutMs = 2_000): Promise<SimulatorHit> {
      const ready = hits[hitIndex];
      if (ready?.aborted) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const onAbort = (hit: SimulatorHit) => {
          if (hit.index !== hitIndex) return;
          clearTimeout(timer);
          events.off("abort", onAbort);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          events.off("abort", onAbort);
          reject(new Error(`simulator hit ${hitIndex} was not aborted within ${timeoutMs} ms`));
        }, timeoutMs);
        events.on("abort", onAbort);
      });
    },
    close(): Promise<void> {
      onClose();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
