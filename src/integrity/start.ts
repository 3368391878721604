/**
 * Starts the integrity services for a relay (issue 5): the log's identity, its
 * sequencer, the policy entry for this configuration, receipts and the
 * published log. The composition root calls this once; close() integrates what
 * is still waiting.
 */
import type { MasterKeySet } from "../crypto/master-keys.js";
import type { LogStore, SettingsStore } from "../storage/ports.js";
import { LogAppender } from "./log-appender.js";
import { loadLogIdentity } from "./log-identity.js";
import { LogService } from "./log-service.js";
import { signNote } from "./note.js";
import { logPolicy, type PolicyInputs, policyEntry } from "./policy-entry.js";
import { ReceiptService } from "./receipt-service.js";
import { LogSequencer } from "./sequencer.js";

export interface Integrity {
  receipts: ReceiptService;
  log: LogService;
  sequencer: LogSequencer;
  /** Log index of the policy this process serves under. */
  policyIndex: number;
  close(): Promise<void>;
}

export interface IntegrityOptions {
  origin: string | null;
  signReceipts: boolean;
  intervalMs?: number;
  onError?: (error: unknown, waiting: number) => void;
}

export async function startIntegrity(
  store: LogStore & SettingsStore,
  masterKeys: MasterKeySet,
  policy: PolicyInputs,
  options: IntegrityOptions,
): Promise<Integrity> {
  const identity = await loadLogIdentity(store, masterKeys, options.origin);
  const sign = (text: string) => signNote(text, [identity.signer]);
  const appender = new LogAppender();
  const sequencer = new LogSequencer(
    store,
    appender,
    { origin: identity.origin, sign },
    { intervalMs: options.intervalMs, onError: options.onError },
  );
  const policyIndex = await logPolicy(store, policyEntry(policy), () => sequencer.run());
  const receipts = new ReceiptService(appender, {
    policyIndex: () => policyIndex,
    signEach: options.signReceipts ? sign : undefined,
  });
  return {
    receipts,
    log: new LogService(store, identity),
    sequencer,
    policyIndex,
    close: () => sequencer.close(),
  };
}
