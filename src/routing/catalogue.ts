/**
 * The model catalogue: public model name → deployments (provider + upstream model).
 * Explicit routes come from config `models:`; every enabled provider also exposes
 * each model it serves as `<provider>/<model>`, and under its bare name when no
 * other provider and no explicit route claims that name. Names match exactly
 * (catalogue B7): the same string is used for the key scope, routing and pricing.
 */
import type { RelayConfig, ResolvedProvider } from "../config/types.js";

export interface Deployment {
  provider: ResolvedProvider;
  upstreamModel: string;
  weight: number;
}

export interface Route {
  publicName: string;
  deployments: readonly Deployment[];
}

/** Longest model name accepted for wildcard routing. */
const MAX_MODEL_NAME = 200;
/** Characters a wildcard-routed model name may use (no spaces, controls or look-alikes: catalogue B7). */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@+-]*$/;
const DYNAMIC_CACHE_LIMIT = 1_000;

export class ModelCatalogue {
  readonly #routes: ReadonlyMap<string, Route>;
  readonly #wildcards: ReadonlyMap<string, ResolvedProvider>;
  readonly #families: ReadonlyArray<{ pattern: RegExp; provider: ResolvedProvider }>;
  readonly #dynamic = new Map<string, Route | null>();

  constructor(routes: Map<string, Route>, providers: readonly ResolvedProvider[] = []) {
    this.#routes = routes;
    const wild = providers.filter((p) => p.wildcard);
    this.#wildcards = new Map(wild.map((p) => [p.id, p]));
    this.#families = wild
      .filter((p) => p.descriptor.modelPattern !== undefined)
      .map((p) => ({ pattern: new RegExp(p.descriptor.modelPattern ?? "^$"), provider: p }));
  }

  /**
   * Exact names first (explicit and catalogue routes). Then, for wildcard
   * providers: `<provider>/<model>` reaches that provider with any model name, and
   * a bare name reaches the one provider whose family pattern it matches (none or
   * several: not found — never a guess between providers).
   */
  resolve(name: string): Route | undefined {
    const exact = this.#routes.get(name);
    if (exact !== undefined) return exact;
    const cached = this.#dynamic.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const route = this.#resolveDynamic(name);
    if (this.#dynamic.size >= DYNAMIC_CACHE_LIMIT) this.#dynamic.clear();
    this.#dynamic.set(name, route ?? null);
    return route;
  }

  #resolveDynamic(name: string): Route | undefined {
    if (name.length > MAX_MODEL_NAME) return undefined;
    const slash = name.indexOf("/");
    if (slash > 0) {
      const provider = this.#wildcards.get(name.slice(0, slash));
      const model = name.slice(slash + 1);
      if (provider === undefined || !MODEL_NAME.test(model.replaceAll("/", "-"))) return undefined;
      return { publicName: name, deployments: [{ provider, upstreamModel: model, weight: 1 }] };
    }
    if (!MODEL_NAME.test(name)) return undefined;
    const owners = this.#families.filter((f) => f.pattern.test(name));
    const owner = owners.length === 1 ? owners[0] : undefined;
    if (owner === undefined) return undefined;
    return { publicName: name, deployments: [{ provider: owner.provider, upstreamModel: name, weight: 1 }] };
  }

  list(): Route[] {
    return [...this.#routes.values()].sort((a, b) => a.publicName.localeCompare(b.publicName));
  }
}

export function buildCatalogue(
  config: Pick<RelayConfig, "routes">,
  providers: readonly ResolvedProvider[],
): ModelCatalogue {
  const byId = new Map(providers.map((p) => [p.id, p]));
  const routes = new Map<string, Route>();

  for (const [publicName, deployments] of Object.entries(config.routes)) {
    const resolved: Deployment[] = [];
    for (const d of deployments) {
      const provider = byId.get(d.provider);
      if (provider) resolved.push({ provider, upstreamModel: d.model, weight: d.weight });
    }
    if (resolved.length > 0) routes.set(publicName, { publicName, deployments: resolved });
  }

  const bareOwners = new Map<string, Deployment[]>();
  for (const provider of providers) {
    for (const model of provider.models) {
      const deployment: Deployment = { provider, upstreamModel: model, weight: 1 };
      const qualified = `${provider.id}/${model}`;
      if (!routes.has(qualified)) routes.set(qualified, { publicName: qualified, deployments: [deployment] });
      const owners = bareOwners.get(model) ?? [];
      owners.push(deployment);
      bareOwners.set(model, owners);
    }
  }
  for (const [model, owners] of bareOwners) {
    // The simulator is always shown under its prefix so nobody mistakes it for a real model.
    if (owners.length !== 1 || routes.has(model) || owners[0]?.provider.descriptor.id === "simulator")
      continue;
    routes.set(model, { publicName: model, deployments: owners });
  }
  return new ModelCatalogue(routes, providers);
}
