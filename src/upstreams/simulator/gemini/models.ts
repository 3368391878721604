/**
 * The models the Gemini simulator lists (`GET /v1beta/models`), in the
 * Model resource's shape (https://ai.google.dev/api/models#Model). Generation
 * answers any model name, as a relay's wildcard routes may send new ones.
 */
export interface GeminiSimulatorModel {
  id: string;
  displayName: string;
}

export const GEMINI_SIMULATOR_MODELS: readonly GeminiSimulatorModel[] = Object.freeze([
  { id: "gemini-echo", displayName: "Gemini Echo (simulator)" },
  { id: "gemini-4-neon", displayName: "Gemini 4 Neon" },
  { id: "gemini-4-carbon", displayName: "Gemini 4 Carbon" },
  { id: "gemini-4-argon", displayName: "Gemini 4 Argon" },
  { id: "gemini-4-hydrogen", displayName: "Gemini 4 Hydrogen" },
  { id: "gemini-3.8-flash", displayName: "Gemini 3.8 Flash" },
]);

export function geminiModelInfo(id: string): Record<string, unknown> | null {
  const model = GEMINI_SIMULATOR_MODELS.find((m) => m.id === id);
  if (!model) return null;
  return {
    name: `models/${model.id}`,
    version: "001",
    displayName: model.displayName,
    description: `${model.displayName}, answered by the Overt simulator.`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ["generateContent", "countTokens", "streamGenerateContent"],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

export function geminiModelsPage(): Record<string, unknown> {
  return { models: GEMINI_SIMULATOR_MODELS.map((m) => geminiModelInfo(m.id)) };
}
