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

/** The same store, whose appendAudit also queues the entry for the log. */
export function auditIntoLog<T extends AuditStore & LogStore>(store: T): T {
  return new Proxy(store, {
    get(target, property) {
      if (property === "appendAudit") {
        return async (entry: AuditEntry) => {
          await target.appendAudit(entry);
          await target.enqueueLogEntries([
            {
              kind: "admin",
              ref: null,
              keyId: null,
              createdAt: entry.at,
              data: Buffer.from(adminEntry(entry), "utf8"),
            },
          ]);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
