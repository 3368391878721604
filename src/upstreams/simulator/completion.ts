/**
 * Renders a ResponsePlan as OpenAI's non-streaming `chat.completion` object.
 */
import { type ChoicePlan, type ResponsePlan, tokenLogprob } from "./generate.js";

function message(choice: ChoicePlan) {
  if (choice.toolCall !== null) {
    const call = choice.toolCall;
    return {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } },
      ],
      refusal: null,
      annotations: [],
    };
  }
  return { role: "assistant", content: choice.content, refusal: null, annotations: [] };
}

function logprobs(plan: ResponsePlan, choice: ChoicePlan) {
  if (!plan.logprobs) return null;
  return { content: choice.tokens.map((t) => tokenLogprob(t, plan.topLogprobs)), refusal: null };
}

export function renderCompletion(plan: ResponsePlan): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: plan.id,
    object: "chat.completion",
    created: plan.created,
    model: plan.model,
    choices: plan.choices.map((choice) => ({
      index: choice.index,
      message: message(choice),
      logprobs: logprobs(plan, choice),
      finish_reason: choice.finishReason,
    })),
  };
  if (plan.usage !== "omit") body["usage"] = plan.usage;
  body["service_tier"] = "default";
  body["system_fingerprint"] = plan.systemFingerprint;
  return body;
}
