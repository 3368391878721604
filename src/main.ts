/**
 * Composition root (DESIGN §3): the only place that picks concrete backends and
 * wires the stages together. Used by `overt serve`, the CLI and the tests.
 */
import type { Dispatcher } from "undici";
import { UsageLedger } from "./accounting/ledger.js";
import { AdminAuth } from "./admin/auth.js";
import { CaptureService } from "./capture/capture-service.js";
import { type PurgeTimer, startPurgeTimer } from "./capture/purge-timer.js";
import type { RelayConfig, ResolvedProvider } from "./config/types.js";
import { LocalKeyProvider } from "./crypto/key-provider.js";
import { loadMasterKeys, type MasterKeySet } from "./crypto/master-keys.js";
import { loadPepper } from "./crypto/pepper.js";
import { TenantKeyring } from "./crypto/tenant-keyring.js";
import { DEFAULT_TENANT, KeyService } from "./governance/keys.js";
import { knownSecretsDetector } from "./guard/known-secrets.js";
import { SubjectFingerprints, TransferLedger } from "./guard/transfer-ledger.js";
import { auditIntoLog } from "./integrity/admin-entries.js";
import { type Integrity, startIntegrity } from "./integrity/start.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { RelayPipeline } from "./pipeline/relay-pipeline.js";
import { buildCatalogue, type ModelCatalogue } from "./routing/catalogue.js";
import { buildServer, type RelayApp } from "./server/app.js";
import { openStorage } from "./storage/open.js";
import type { Storage } from "./storage/ports.js";
import { createUpstreamDispatcher } from "./transport/egress.js";
import { providerSecrets } from "./upstreams/openai/adapter.js";
import { simulatorProvider } from "./upstreams/simulator/provider.js";
import { startSimulator } from "./upstreams/simulator/server.js";
import type { Simulator } from "./upstreams/simulator/types.js";

export interface Relay {
  config: RelayConfig;
  app: RelayApp;
  storage: Storage;
  keys: KeyService;
  adminAuth: AdminAuth;
  /** Tenant data keys: seal/open, crypto-shredding, master-key rotation. */
  keyring: TenantKeyring;
  /** Encrypted content capture; the pipeline calls `record` for tenants that enabled it. */
  capture: CaptureService;
  ledger: UsageLedger;
  /** Receipts, the log sequencer and the published log. */
  integrity: Integrity;
  /** Cross-border transfer records, batched like usage. */
  transfers: TransferLedger;
  catalogue: ModelCatalogue;
  providers: readonly ResolvedProvider[];
  simulator: Simulator | null;
  log: Logger;
  close(): Promise<void>;
}

export interface CoreServices {
  storage: Storage;
  /** The server pepper (key digests; transfer-subject fingerprints derive their own key from it). */
  pepper: Buffer;
  keys: KeyService;
  adminAuth: AdminAuth;
  keyring: TenantKeyring;
  capture: CaptureService;
  masterKeys: MasterKeySet;
}

/**
 * The master keys (crypto/master-keys.ts), generated into dataDir on first use when
 * none is configured, except with PostgreSQL: every node must unwrap the same data keys.
 */
export function openMasterKeys(config: RelayConfig): MasterKeySet {
  if (config.storage.driver === "postgres" && !config.security.masterKey?.active) {
    throw new Error(
      "a master key (OVERT_MASTER_KEY, OVERT_MASTER_KEY_FILE or security.masterKeyFile) is required with " +
        "PostgreSQL so every node unwraps the same tenant data keys",
    );
  }
  return loadMasterKeys(config.security.masterKey, config.dataDir, { create: true })!;
}

/** Storage, keys and admin auth: what the CLI needs without starting a server. */
export async function openCore(config: RelayConfig): Promise<CoreServices> {
  if (config.storage.driver === "postgres" && config.security.keyPepper === null) {
    throw new Error(
      "security.keyPepper (OVERT_KEY_PEPPER) is required with PostgreSQL so every node derives the same key digests",
    );
  }
  const pepper = loadPepper(config.security.keyPepper, config.dataDir);
  const masterKeys = openMasterKeys(config);
  // Every audit entry (from the server or the CLI) also goes into the transparency log.
  const storage = auditIntoLog(await openStorage(config.storage));
  await storage.ensureTenant({ id: DEFAULT_TENANT, name: "Default tenant", createdAt: Date.now() });
  for (const tenant of Object.values(config.tenants)) {
    if (tenant.id !== DEFAULT_TENANT)
      await storage.ensureTenant({ id: tenant.id, name: tenant.name, createdAt: Date.now() });
  }
  const keyring = new TenantKeyring(storage, new LocalKeyProvider(masterKeys), {
    changes: storage.changes,
    audit: storage,
  });
  const secrets = config.providers.flatMap((p) => (p.apiKey === null ? [] : [p.apiKey.reveal()]));
  return {
    storage,
    pepper,
    keys: new KeyService(storage, storage.changes, pepper),
    adminAuth: new AdminAuth(storage, pepper),
    keyring,
    capture: new CaptureService(storage, keyring, { secrets }),
    masterKeys,
  };
}

export async function createRelay(config: RelayConfig, options: { logger?: Logger } = {}): Promise<Relay> {
  const log = options.logger ?? createLogger(config.log.level);
  const core = await openCore(config);
  const { storage, keys, adminAuth, keyring, capture } = core;

  const simulator = config.simulator ? await startSimulator() : null;
  const providers = simulator
    ? [...config.providers, simulatorProvider(simulator.url)]
    : [...config.providers];
  const catalogue = buildCatalogue(config, providers);

  const dispatchers = new Map<boolean, Dispatcher>();
  const dispatcherFor = (provider: ResolvedProvider): Dispatcher => {
    const allowPrivate = provider.allowPrivate;
    let dispatcher = dispatchers.get(allowPrivate);
    if (!dispatcher) {
      dispatcher = createUpstreamDispatcher({
        allowPrivate,
        connectTimeoutMs: config.transport.connectTimeoutMs,
        headersTimeoutMs: config.transport.headersTimeoutMs,
        bodyTimeoutMs: config.transport.idleTimeoutMs,
      });
      dispatchers.set(allowPrivate, dispatcher);
    }
    return dispatcher;
  };

  const ledger = new UsageLedger(storage, {
    onError: (error, waiting) =>
      log.error(
        { waiting, err: String((error as Error)?.name ?? error) },
        "usage batch could not be written; will retry",
      ),
  });
  const transfers = new TransferLedger(storage, new SubjectFingerprints(core.pepper), {
    onError: (error, waiting) =>
      log.error(
        { waiting, err: String((error as Error)?.name ?? error) },
        "transfer batch could not be written; will retry",
      ),
  });
  // One guard for everything that sends request content upstream: the pipeline and count_tokens.
  const guard = {
    maxScanChars: config.guard.maxScanChars,
    tenants: config.tenants,
    knownSecrets: knownSecretsDetector(providers.flatMap(providerSecrets)),
  };
  const integrity = await startIntegrity(
    storage,
    core.masterKeys,
    {
      routes: catalogue.list(),
      providers,
      tenants: config.tenants,
      maxScanChars: config.guard.maxScanChars,
    },
    {
      origin: config.integrity.origin,
      signReceipts: config.integrity.signReceipts,
      onError: (error, waiting) =>
        log.error(
          { waiting, err: String((error as Error)?.name ?? error) },
          "log sequencing failed; will retry",
        ),
    },
  );
  const chat = new RelayPipeline({
    keys,
    catalogue,
    ledger,
    dispatcherFor,
    transport: config.transport,
    transfers,
    capture: core.capture,
    guard,
    log,
  });
  const app = buildServer({
    bodyLimitBytes: config.server.bodyLimitBytes,
    trustedProxies: config.server.trustedProxies,
    pipeline: chat,
    countTokens: { keys, catalogue, dispatcherFor, transport: config.transport, guard },
    keys,
    catalogue,
    admin: {
      auth: adminAuth,
      keys,
      usage: storage,
      audit: storage,
      captures: capture,
      tenants: storage,
      keyring,
    },
    integrity: {
      receipts: integrity.receipts,
      log: integrity.log,
      store: storage,
      signedReceipts: config.integrity.signReceipts,
    },
    onInternalError: (requestId, error) => {
      const code = (error as { code?: unknown } | null)?.code;
      const name = error instanceof Error ? error.name : typeof error;
      log.error(
        { requestId, err: `${name}${typeof code === "string" ? `(${code})` : ""}` },
        "internal error",
      );
    },
  });

  const purge: PurgeTimer = startPurgeTimer(capture, {
    onPurged: (count) => log.info({ count }, "expired captures purged"),
    onError: (error) => log.error({ err: String((error as Error)?.name ?? error) }, "capture purge failed"),
  });

  let closed = false;
  return {
    config,
    app,
    storage,
    keys,
    adminAuth,
    keyring,
    capture,
    ledger,
    integrity,
    transfers,
    catalogue,
    providers,
    simulator,
    log,
    async close() {
      if (closed) return;
      closed = true;
      // Stop accepting; let in-flight requests finish; close keep-alive sockets as they go idle
      // (a client's idle keep-alive connection must not hold shutdown for the keep-alive timeout).
      const idleCloser = setInterval(() => app.server.closeIdleConnections(), 50);
      const deadline = setTimeout(() => app.server.closeAllConnections(), 10_000);
      try {
        await app.close();
      } finally {
        clearInterval(idleCloser);
        clearTimeout(deadline);
      }
      await purge.stop();
      await ledger.close();
      await transfers.close();
      await integrity.close();
      await Promise.all([...dispatchers.values()].map((d) => d.close()));
      await simulator?.close();
      await storage.close();
    },
  };
}
