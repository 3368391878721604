/**
 * One "Overt process" for the multi-writer log test: opens the shared database,
 * loads the log identity (the master key comes from the shared data dir), and
 * appends entries — some from memory through its own sequencer, some through the
 * database queue as the CLI does — running its sequencer at random moments.
 *
 * argv: <sqlite path | postgres url> <dataDir> <name> <count>
 */
import { Secret } from "../../src/config/secret.js";
import { loadMasterKeys } from "../../src/crypto/master-keys.js";
import { LogAppender } from "../../src/integrity/log-appender.js";
import { loadLogIdentity } from "../../src/integrity/log-identity.js";
import { signNote } from "../../src/integrity/note.js";
import { LogSequencer } from "../../src/integrity/sequencer.js";
import { openStorage } from "../../src/storage/open.js";

const [target = "", dataDir = "", name = "w", countText = "50"] = process.argv.slice(2);
const count = Number(countText);
const storage = await openStorage(
  target.startsWith("postgres")
    ? { driver: "postgres", url: new Secret(target) }
    : { driver: "sqlite", path: target },
);
const masterKeys = loadMasterKeys(undefined, dataDir, { create: false });
if (masterKeys === null) throw new Error("no master key in the data dir");
const identity = await loadLogIdentity(storage, masterKeys, null);
const appender = new LogAppender();
const sequencer = new LogSequencer(
  storage,
  appender,
  { origin: identity.origin, sign: (body) => signNote(body, [identity.signer]) },
  { intervalMs: 60_000 },
);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
for (let i = 0; i < count; i++) {
  const entry = {
    kind: "admin" as const,
    ref: `${name}-${i}`,
    keyId: null,
    createdAt: Date.now(),
    data: Buffer.from(`overt.admin/v1\n{"writer":"${name}","n":${i}}\n`),
  };
  if (i % 5 === 0) await storage.enqueueLogEntries([entry]);
  else appender.append(entry);
  if (Math.random() < 0.3) await sequencer.run();
  await sleep(Math.floor(Math.random() * 3));
}
await sequencer.close();
await storage.close();
process.stdout.write("done\n");
