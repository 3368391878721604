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

export class ModelCatalogue {
  readonly #routes: ReadonlyMap<string, Route>;

  constructor(routes: Map<string, Route>) {
    this.#routes = routes;
  }

  resolve(name: string): Route | undefined {
    return this.#routes.get(name);
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
  return new ModelCatalogue(routes);
}
