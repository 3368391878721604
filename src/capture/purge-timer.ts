/**
 * The retention purge (DESIGN §5): deletes captures past their expiry on a timer.
 * Reads already hide expired captures, so the timer bounds how long their bytes
 * stay on disk, not how long they can be read. Unref'd: it never keeps the
 * process alive; `stop` waits for a purge in progress so storage can close.
 */
import type { CaptureService } from "./capture-service.js";

export const DEFAULT_PURGE_INTERVAL_MS = 10 * 60_000;

export interface PurgeTimer {
  stop(): Promise<void>;
}

export function startPurgeTimer(
  service: Pick<CaptureService, "purgeExpired">,
  options: {
    intervalMs?: number;
    onPurged?: (count: number) => void;
    onError: (error: unknown) => void;
  },
): PurgeTimer {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running !== null) return;
    running = service
      .purgeExpired()
      .then((count) => {
        if (count > 0) options.onPurged?.(count);
      }, options.onError)
      .finally(() => {
        running = null;
      });
  };
  const interval = setInterval(tick, options.intervalMs ?? DEFAULT_PURGE_INTERVAL_MS);
  interval.unref();
  // A first pass soon after start, so a relay restarted less often than the interval still purges.
  const first = setTimeout(tick, 1_000);
  first.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(interval);
      clearTimeout(first);
      await running;
    },
  };
}
