/**
 * The models the simulator lists. Any other model name is still answered
 * (echoed back as the upstream model), like a permissive OpenAI-compatible server.
 */

export interface SimulatorModel {
  id: string;
  /** What the model does differently. */
  note: string;
}

export const SIMULATOR_MODELS: readonly SimulatorModel[] = Object.freeze([
  { id: "echo", note: 'Answers "You said: <last user message>"; calls the first tool when tools are given.' },
  { id: "echo-reasoner", note: "Like echo, and reports 16 reasoning tokens per choice." },
]);

const CREATED = 1_735_689_600; // 2025-01-01T00:00:00Z, fixed so listings are deterministic.
const OWNER = "overt-simulator";

export function modelObject(id: string) {
  if (!SIMULATOR_MODELS.some((m) => m.id === id)) return null;
  return { id, object: "model", created: CREATED, owned_by: OWNER };
}

export function modelsList() {
  return {
    object: "list",
    data: SIMULATOR_MODELS.map((m) => ({ id: m.id, object: "model", created: CREATED, owned_by: OWNER })),
  };
}
