/**
 * The SSRF-safe egress path (DESIGN §10, security catalogue E1–E11, E14, D6).
 *
 * Two checks, because undici / node:net never call `lookup` for a literal IP:
 *  1. `assertUrlAllowed` — scheme, userinfo, backslashes, and the host as
 *     written (literal addresses in every encoding the WHATWG parser accepts,
 *     known-internal names). The dispatcher runs it for every request.
 *  2. `createEgressLookup` — a `lookup` for net/tls/undici `connect` that
 *     resolves a name once, refuses if ANY address is not public, and hands
 *     exactly the checked addresses to the socket (pinning: no second
 *     resolution between check and connect, E7/E8).
 *
 * `createUpstreamDispatcher` combines both in an undici Agent with keep-alive
 * pools and timeouts. It never follows redirects: no redirect interceptor is
 * composed, so a 3xx comes back to the caller as a 3xx. (`fetch` follows
 * redirects above the dispatcher — use `request`, or `redirect: "manual"`.)
 */
import { promises as dnsPromises, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, type Dispatcher } from "undici";
import { classifyHost, isPublicAddress, normaliseHostname } from "./address-policy.js";

export type EgressBlockReason =
  | "invalid-url"
  | "scheme"
  | "userinfo"
  | "backslash"
  | "blocked-name"
  | "private-address"
  | "resolved-private-address";

const MESSAGES: Record<EgressBlockReason, string> = {
  "invalid-url": "The URL could not be parsed",
  scheme: "Only http: and https: URLs are allowed",
  userinfo: "URLs with credentials (user:password@) are not allowed",
  backslash: "URLs containing backslashes are not allowed",
  "blocked-name": "Private, loopback, link-local and metadata addresses are not allowed",
  "private-address": "Private, loopback, link-local and metadata addresses are not allowed",
  "resolved-private-address": "Private, loopback, link-local and metadata addresses are not allowed",
};

/**
 * An outbound connection refused by the egress policy. Carries the host name
 * only — never the full URL, which may contain credentials or query secrets.
 */
export class EgressBlockedError extends Error {
  override readonly name = "EgressBlockedError";
  readonly code = "OVT_EGRESS_BLOCKED";
  readonly reason: EgressBlockReason;
  /** The host as written (or resolved address), for logs; no path, query or userinfo. */
  readonly host: string;

  constructor(reason: EgressBlockReason, host: string) {
    super(`${MESSAGES[reason]} (host: ${host})`);
    this.reason = reason;
    this.host = host;
  }
}

/** Resolves a host name to every address it has. Tests inject their own; production uses dns.lookup. */
export type EgressResolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: EgressResolver = (hostname) =>
  dnsPromises.lookup(hostname, { all: true, verbatim: true });

/**
 * Checks what can be checked from the URL itself. Pass the raw string where
 * you have it: backslashes are only visible before WHATWG parsing rewrites them.
 */
export function assertUrlAllowed(url: URL | string, allowPrivate: boolean): void {
  if (typeof url === "string" && url.includes("\\")) throw new EgressBlockedError("backslash", "(unparsed)");
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    throw new EgressBlockedError("invalid-url", "(unparsed)");
  }
  const host = parsed.hostname;
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new EgressBlockedError("scheme", host);
  if (parsed.username !== "" || parsed.password !== "") throw new EgressBlockedError("userinfo", host);
  if (parsed.href.includes("\\")) throw new EgressBlockedError("backslash", host);
  if (host === "") throw new EgressBlockedError("invalid-url", host);
  if (allowPrivate) return;
  if (classifyHost(host) === "private") {
    const literal = isIP(normaliseHostname(host)) !== 0;
    throw new EgressBlockedError(literal ? "private-address" : "blocked-name", host);
  }
}

function wantedFamily(options: LookupOptions): 0 | 4 | 6 {
  const family = options.family;
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return 0;
}

/** Resolves once and returns only addresses that passed the policy; rejects if any did not. */
export async function resolveAllowed(
  hostname: string,
  allowPrivate: boolean,
  resolve: EgressResolver = systemResolver,
  family: 0 | 4 | 6 = 0,
): Promise<LookupAddress[]> {
  if (!allowPrivate && classifyHost(hostname) === "private")
    throw new EgressBlockedError("blocked-name", hostname);
  const all = await resolve(hostname);
  if (!allowPrivate) {
    for (const entry of all) {
      if (!isPublicAddress(entry.address)) throw new EgressBlockedError("resolved-private-address", hostname);
    }
  }
  const usable = family === 0 ? all : all.filter((entry) => entry.family === family);
  if (usable.length === 0) {
    const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    error.code = "ENOTFOUND";
    error.syscall = "getaddrinfo";
    throw error;
  }
  return usable.map((entry) => ({ address: entry.address, family: entry.family }));
}

/**
 * A `lookup` for net.connect / tls.connect / undici `connect: { lookup }`:
 * one resolution per connection, every address checked, and the socket
 * connects to exactly those addresses (handles `all: true`, used by Node's
 * happy-eyeballs `autoSelectFamily`).
 */
export function createEgressLookup(
  allowPrivate: boolean,
  resolve: EgressResolver = systemResolver,
): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, allowPrivate, resolve, wantedFamily(options)).then(
      (addresses) => {
        const first = addresses[0];
        if (options.all === true || first === undefined) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)), "", 0);
      },
    );
  };
}

export interface UpstreamDispatcherOptions {
  allowPrivate: boolean;
  connectTimeoutMs: number;
  /** Time to wait for response headers after the request is sent. */
  headersTimeoutMs: number;
  /** Longest silence between two body chunks (the stream idle timeout). */
  bodyTimeoutMs: number;
  /** Test hook: resolve names with this instead of the system resolver. */
  resolve?: EgressResolver;
  /** Idle keep-alive socket lifetime; defaults to 30 s. */
  keepAliveTimeoutMs?: number;
}

/** A DispatchController for a request refused before it was sent. */
function refusedController(reason: Error): Dispatcher.DispatchController {
  return { aborted: true, paused: false, reason, abort() {}, pause() {}, resume() {} };
}

/** Checks a dispatch's target; throws EgressBlockedError when it may not be reached. */
function assertDispatchAllowed(opts: Dispatcher.DispatchOptions, allowPrivate: boolean): void {
  if (opts.origin === undefined) throw new EgressBlockedError("invalid-url", "(no origin)");
  // An absolute-form path would ask the origin to act as a proxy for another URL.
  if (!opts.path.startsWith("/")) throw new EgressBlockedError("invalid-url", "(absolute-form path)");
  assertUrlAllowed(opts.origin, allowPrivate);
}

/** An undici interceptor that runs the URL checks for every request before it reaches a pool. */
export function egressGuard(allowPrivate: boolean): Dispatcher.DispatcherComposeInterceptor {
  // Upstream origins are few and fixed by configuration: remember the ones that passed,
  // so the URL is parsed once per origin rather than once per request.
  const allowed = new Set<string>();
  return (dispatch) => (opts, handler) => {
    try {
      const origin = typeof opts.origin === "string" ? opts.origin : opts.origin?.toString();
      if (origin === undefined || !allowed.has(origin) || !opts.path.startsWith("/")) {
        assertDispatchAllowed(opts, allowPrivate);
        if (origin !== undefined && allowed.size < 1_000) allowed.add(origin);
      }
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      if (handler.onResponseError === undefined) throw reason;
      handler.onResponseError(refusedController(reason), reason);
      return false;
    }
    return dispatch(opts, handler);
  };
}

/**
 * The dispatcher for all upstream traffic: keep-alive pools per origin, DNS
 * pinned through the egress lookup, every request's origin checked, timeouts
 * on connect / headers / body, and no redirect following.
 */
export function createUpstreamDispatcher(options: UpstreamDispatcherOptions): Dispatcher {
  const agent = new Agent({
    connect: { lookup: createEgressLookup(options.allowPrivate, options.resolve) },
    connectTimeout: options.connectTimeoutMs,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: 600_000,
  });
  return agent.compose(egressGuard(options.allowPrivate));
}
