/**
 * Folding IR messages into the strictly alternating user/assistant turns that
 * Anthropic Messages and Bedrock Converse both require: system and developer
 * messages join the system blocks, consecutive turns of one role merge, empty
 * messages are dropped — each change recorded. The block encoding is the caller's.
 */
import type { ContentBlock, IrRequest } from "../ir/request.js";

export type TurnRole = "user" | "assistant";
export type BlockContext = TurnRole | "system";

export interface Turn<B> {
  role: TurnRole;
  content: B[];
}

export function foldTurns<B>(
  ir: IrRequest,
  encode: (content: readonly ContentBlock[], context: BlockContext, path: string) => B[],
  t: { add(label: string): void },
): { system: B[]; turns: Turn<B>[] } {
  const system = encode(ir.system, "system", "system");
  const turns: Turn<B>[] = [];
  ir.messages.forEach((m, i) => {
    const path = `messages.${i}.content`;
    if (m.name !== undefined) t.add("dropped:message.name");
    if (m.role === "system" || m.role === "developer") {
      if (m.role === "developer") t.add("converted:developer_to_system");
      if (turns.length > 0) t.add("moved:system_message_to_system");
      system.push(...encode(m.content, "system", path));
      return;
    }
    const role: TurnRole = m.role === "assistant" ? "assistant" : "user";
    const content = encode(m.content, role, path);
    if (content.length === 0) {
      t.add("dropped:empty_message");
      return;
    }
    const last = turns.at(-1);
    if (last?.role === role) {
      last.content.push(...content);
      t.add(`merged:consecutive_${role}_messages`);
    } else {
      turns.push({ role, content });
    }
  });
  return { system, turns };
}
