import { existsSync, mkdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { progress, runMain, UsageError } from "./cli.js";
import type { Target } from "./load.js";
import { startNode, stopAll } from "./procs.js";
import { baseline } from "./receipts-baseline.js";
import { measure } from "./receipts-measure.js";
import { MOCK, options } from "./receipts-options.js";
import { smoke, startVariant } from "./receipts-relays.js";
import { ratiosOf, render } from "./receipts-report.js";
import { type SequencerResult, sequencerCost } from "./receipts-sequencer.js";

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = options();
  const base = baseline(opts);
  if (opts.cpuProf !== null) mkdirSync(opts.cpuProf, { recursive: true });
  const mock = await startNode("mock upstream", [MOCK], { healthPath: "/healthz" });
  const direct: Target = { name: "direct", url: mock.url, pid: mock.pid, headers: {} };
  const plainEnv = { ...process.env };
  delete plainEnv.OVERT_SIGN_RECEIPTS;
  const variants = [
    await startVariant("before", base.label, mock.url, base.cli, plainEnv, opts),
    await startVariant("receipts", "this build", mock.url, undefined, plainEnv, opts),
    await startVariant(
      "signed",
      "this build, OVERT_SIGN_RECEIPTS=1",
      mock.url,
      undefined,
      { ...plainEnv, OVERT_SIGN_RECEIPTS: "1" },
      opts,
    ),
  ];
  if (opts.compare !== null) {
    const cli = join(opts.compare, "dist/src/cli/main.js");
    if (!existsSync(cli)) throw new UsageError(`${opts.compare} has no dist/src/cli/main.js`);
    variants.push(await startVariant("compare", opts.compare, mock.url, cli, plainEnv, opts));
  }
  for (const v of variants) await smoke(v);
  const load0 = loadavg();
  const results = await measure(variants, direct, opts);
  await stopAll();
  const sequencer: SequencerResult[] = [];
  if (opts.entries > 0) {
    for (const batch of [500, 2500, 5000]) {
      progress(`[sequencer] ${opts.entries} entries, ${batch} per run`);
      sequencer.push(await sequencerCost(batch, opts.entries));
    }
  }
  const ratios = ratiosOf(results);
  const machine = {
    cpus: availableParallelism(),
    node: process.version,
    loadavgBefore: load0,
    loadavgAfter: loadavg(),
  };
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ config: opts, baseline: base, machine, results, ratios, sequencer }, null, 2) + "\n",
    );
  } else {
    const note =
      `${machine.cpus} CPUs, node ${machine.node}, load ${load0.map((l) => l.toFixed(2)).join(" ")} before the runs; ` +
      `${opts.rounds} interleaved rounds of ${opts.duration}s non-streaming (${opts.connections} connections), ` +
      `${opts.duration / 2}s streaming (${Math.max(1, Math.round(opts.connections / 2))}) and ${opts.duration / 2}s at 1 in flight per relay`;
    process.stdout.write(render(results, ratios, sequencer, note, opts) + "\n");
  }
  return 0;
}

runMain(main);
