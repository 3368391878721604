import { availableParallelism, loadavg } from "node:os";
import { progress, runMain } from "./cli.js";
import { agentContext, anthropicTools, openAiChat } from "./corpus-requests.js";
import { Rng } from "./corpus-rng.js";
import { adversarial, corpora } from "./corpus-sets.js";
import { DESTINATION, MB, options, TARGET_MB_S } from "./guard-options.js";
import { relayRun } from "./guard-relay.js";
import { type Report, render } from "./guard-report.js";
import {
  type AdversarialResult,
  adversarialRun,
  type BodyResult,
  bodyRun,
  type CorpusResult,
  detectorRun,
} from "./guard-scan.js";

async function main(): Promise<number> {
  const opts = options();
  const size = opts.size * MB;
  progress("generating corpora");
  const detectors: CorpusResult[] = [];
  for (const c of corpora(size)) {
    progress(`[detect] ${c.name}`);
    detectors.push(detectorRun(c, opts.seconds));
  }
  const adv: AdversarialResult[] = [];
  for (const [name, text] of adversarial()) {
    progress(`[H1] ${name}`);
    adv.push(adversarialRun(name, text, opts.seconds));
  }
  const r = new Rng(11);
  const bodies: BodyResult[] = [];
  for (const b of [openAiChat(r), anthropicTools(r), agentContext(r)]) {
    progress(`[body] ${b.name}`);
    bodies.push(bodyRun(b, opts.seconds));
  }
  const relay = opts.relay ? await relayRun(opts) : null;
  const mixed = detectors.find((d) => d.name === "mixed")!;
  const report: Report = {
    config: { ...opts, destination: DESTINATION },
    machine: { cpus: availableParallelism(), node: process.version, loadavg: loadavg() },
    detectors,
    headline: {
      corpus: mixed.name,
      mbPerS: mixed.mbPerS,
      target: TARGET_MB_S,
      met: mixed.mbPerS >= TARGET_MB_S,
    },
    adversarial: adv,
    bodies,
    relay,
  };
  process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : render(report)) + "\n");
  return 0;
}

runMain(main);
