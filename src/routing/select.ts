/**
 * Attempt order for a route: the first deployment is drawn by weight, the rest
 * follow in descending weight as failover. `maxAttempts` bounds the total; with a
 * single deployment a retryable failure is retried on it (with jittered backoff,
 * decided by the pipeline).
 */
import type { Deployment, Route } from "./catalogue.js";

export function attemptOrder(route: Route, random: () => number = Math.random): Deployment[] {
  const pool = [...route.deployments];
  if (pool.length <= 1) return pool;
  const total = pool.reduce((sum, d) => sum + d.weight, 0);
  let pick = random() * total;
  let firstIndex = 0;
  for (let i = 0; i < pool.length; i++) {
    pick -= pool[i]?.weight ?? 0;
    if (pick < 0) {
      firstIndex = i;
      break;
    }
  }
  const [first] = pool.splice(firstIndex, 1);
  pool.sort((a, b) => b.weight - a.weight);
  return first ? [first, ...pool] : pool;
}
