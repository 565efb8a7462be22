import { expect } from 'vitest';
import { json, type TestContext } from '../../../../test/support/context.ts';
import { call, type TestOrg } from '../../../../test/support/factories.ts';
import type { AssistantReply, TurnEvent } from '../assistant.schemas.ts';

/** One playground turn's answer. */
export interface Turn {
  sessionId: string;
  brain: 'llm' | 'offline';
  replies: AssistantReply[];
  events: TurnEvent[];
}

/** A playground conversation: `say(text)` runs one turn in the same session. */
export function playground(ctx: TestContext, org: TestOrg, contact?: Record<string, string>) {
  let sessionId: string | undefined;
  return {
    get sessionId() {
      return sessionId;
    },
    async say(text: string): Promise<Turn> {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/assistant/playground', { text, ...(sessionId ? { sessionId } : {}), ...(contact ? { contact } : {}) });
      expect(res.statusCode, res.body).toBe(200);
      const turn = json<Turn>(res);
      sessionId = turn.sessionId;
      return turn;
    },
  };
}

/** The text of a turn's replies, joined. */
export const textOf = (turn: Turn) => turn.replies.map((r) => r.text).join('\n');

/** The tool calls of a turn. */
export const toolCalls = (turn: Turn) => turn.events.filter((e): e is Extract<TurnEvent, { type: 'tool_call' }> => e.type === 'tool_call');

/** The confirmation a turn asked for. */
export function confirmationOf(turn: Turn): Extract<TurnEvent, { type: 'confirmation_requested' }> {
  const e = turn.events.find((x): x is Extract<TurnEvent, { type: 'confirmation_requested' }> => x.type === 'confirmation_requested');
  if (!e) throw new Error(`no confirmation requested: ${JSON.stringify(turn)}`);
  return e;
}
