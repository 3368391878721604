/**
 * Admin actions in the transparency log (issue 5): every audit entry (key
 * created or revoked, tenant shredded, master key rotated, admin token issued…)
 * is also queued as a log entry, from whichever process made it — the server or
 * the CLI. Audit details never hold credentials (fingerprints and prefixes only).
 */
import type { AuditEntry, AuditStore, LogStore } from "../storage/ports.js";

export const ADMIN_HEADER = "overt.admin/v1";

export function adminEntry(entry: AuditEntry): string {
  const body = {
    at: new Date(entry.at).toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: entry.details,
  };
  return `${ADMIN_HEADER}\n${JSON.stringify(body)}\n`;
}

/**
 * The same store, whose appendAudit also queues the entry for the log. The
 * instance's own method is replaced (not wrapped in a Proxy): every storage call
 * of every request goes through this object, and a Proxy's trap (with a bound
 * function per access) cost the request path several microseconds.
 */
export function auditIntoLog<T extends AuditStore & LogStore>(store: T): T {
  const appendAudit = store.appendAudit.bind(store);
  store.appendAudit = async (entry: AuditEntry) => {
    await appendAudit(entry);
    await store.enqueueLogEntries([
      {
        kind: "admin",
        ref: null,
        keyId: null,
        createdAt: entry.at,
        data: Buffer.from(adminEntry(entry), "utf8"),
      },
    ]);
  };
  return store;
}
