/**
 * The models the Anthropic simulator lists (`GET /v1/models`, Anthropic's page
 * shape with has_more / first_id / last_id). Any other model name is still
 * answered on /v1/messages (echoed back), like the OpenAI simulator.
 */

export interface AnthropicSimulatorModel {
  id: string;
  displayName: string;
  /** What the model does differently. */
  note: string;
}

export const ANTHROPIC_SIMULATOR_MODELS: readonly AnthropicSimulatorModel[] = Object.freeze([
  {
    id: "claude-echo",
    displayName: "Claude Echo (Overt simulator)",
    note: 'Answers "You said: <last user text>"; calls the first tool when tools are given; thinks when asked.',
  },
]);

/** Fixed so listings are deterministic (RFC 3339, as Anthropic's `created_at`). */
const CREATED_AT = "2025-01-01T00:00:00Z";

export function anthropicModelInfo(id: string) {
  const model = ANTHROPIC_SIMULATOR_MODELS.find((m) => m.id === id);
  if (model === undefined) return null;
  return { type: "model", id: model.id, display_name: model.displayName, created_at: CREATED_AT };
}

export function anthropicModelsPage() {
  const data = ANTHROPIC_SIMULATOR_MODELS.map((m) => ({
    type: "model",
    id: m.id,
    display_name: m.displayName,
    created_at: CREATED_AT,
  }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}
