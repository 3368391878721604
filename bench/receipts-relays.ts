import { setTimeout as sleep } from "node:timers/promises";
import { chatBody, PATH, type Target } from "./load.js";
import { type OvertTarget, startOvert } from "./overt.js";
import type { Options } from "./receipts-options.js";

// ---- the relays -------------------------------------------------------------------------------

export type VariantName = "before" | "receipts" | "signed" | "compare";

export interface Variant {
  name: VariantName;
  label: string;
  overt: OvertTarget;
  target: Target;
}

export async function startVariant(
  name: VariantName,
  label: string,
  upstream: string,
  cli: string | undefined,
  env: NodeJS.ProcessEnv,
  opts: Options,
): Promise<Variant> {
  const nodeArgs =
    opts.cpuProf === null
      ? []
      : ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProf}`, `--cpu-prof-name=${name}.cpuprofile`];
  const overt = await startOvert(upstream, { cli, env, nodeArgs });
  const target: Target = {
    name: "overt",
    url: overt.proc.url,
    pid: overt.proc.pid,
    headers: { authorization: `Bearer ${overt.key}` },
  };
  return { name, label, overt, target };
}

/** Each relay answers, with a receipt exactly when it should have one, signed exactly when it should be. */
export async function smoke(v: Variant): Promise<void> {
  for (const stream of [false, true]) {
    const res = await fetch(v.target.url + PATH, {
      method: "POST",
      headers: { "content-type": "application/json", ...v.target.headers },
      body: chatBody(stream),
    });
    const text = await res.text();
    const ok = stream ? text.includes("data: [DONE]") : text.includes('"usage"');
    if (res.status !== 200 || !ok)
      throw new Error(
        `${v.name}: ${stream ? "streaming" : "plain"} request got ${res.status}: ${text.slice(0, 300)}`,
      );
    const id = res.headers.get("overt-receipt-id");
    if (v.name === "before") {
      if (id !== null) throw new Error(`${v.label} sends receipts: it is not the build before receipts`);
      continue;
    }
    if (id === null) throw new Error(`${v.name}: no overt-receipt-id header`);
    // 409 while the relay is still finishing the receipt (a moment after the last byte).
    let receipt = await fetch(`${v.target.url}/v1/receipts/${id}`, { headers: v.target.headers });
    for (let tries = 0; receipt.status === 409 && tries < 50; tries++) {
      await receipt.body?.cancel();
      await sleep(20);
      receipt = await fetch(`${v.target.url}/v1/receipts/${id}`, { headers: v.target.headers });
    }
    const note = await receipt.text();
    const signed = note.includes("\n\n\u2014 ");
    if (receipt.status !== 200 || !note.startsWith("overt.receipt/v1\n") || signed !== (v.name === "signed"))
      throw new Error(
        `${v.name}: receipt ${id} read back as ${receipt.status} (signed: ${signed}): ${note.slice(0, 200)}`,
      );
  }
}

// ---- merge delay under load -------------------------------------------------------------------

export interface Probe {
  /** Response end → first 200 from /v1/receipts/{id}/proof, ms; null when not integrated within 5 s. */
  delays: (number | null)[];
  failed: number;
}

/** One request whose receipt is then polled for its proof every 20 ms. */
export async function probeOne(v: Variant, out: Probe): Promise<void> {
  try {
    const res = await fetch(v.target.url + PATH, {
      method: "POST",
      headers: { "content-type": "application/json", ...v.target.headers },
      body: chatBody(false),
    });
    await res.arrayBuffer();
    const answered = performance.now();
    const id = res.headers.get("overt-receipt-id");
    if (res.status !== 200 || id === null) {
      out.failed++;
      return;
    }
    while (performance.now() - answered < 5_000) {
      const proof = await fetch(`${v.target.url}/v1/receipts/${id}/proof`, { headers: v.target.headers });
      const text = await proof.text();
      if (proof.status === 200 && text.startsWith("c2sp.org/tlog-proof@v1\n")) {
        out.delays.push(performance.now() - answered);
        return;
      }
      if (proof.status !== 409) {
        out.failed++;
        return;
      }
      await sleep(20);
    }
    out.delays.push(null);
  } catch {
    out.failed++;
  }
}

/** `samples` probes spread over a load run of `seconds`. */
export async function probeDuring(v: Variant, seconds: number, samples: number, out: Probe): Promise<void> {
  const probes: Promise<void>[] = [];
  const gap = (seconds * 1000 * 0.8) / Math.max(1, samples);
  for (let i = 0; i < samples; i++) {
    // Jitter, so probes land anywhere in the sequencer's cycle.
    await sleep(gap * (0.5 + Math.random()));
    probes.push(probeOne(v, out));
  }
  await Promise.all(probes);
}
