/**
 * The assistant module's public face: the one agent loop (`runTurn`) with its two brains, in-chat
 * confirmation, hand-off, AI settings, keyword automations and the playground. Channels call
 * `onInboundMessage` after storing a customer's message.
 */
import type { Deps } from '../../container.ts';
import type { JobRunner } from '../../jobs/pg-queue.ts';
import { assistantTurnHandler, assistantTurnJob } from './jobs/assistant-turn.job.ts';

export { assistantDemoSeeder } from './assistant.demo.ts';
export { registerAssistantRoutes } from './assistant.routes.ts';
export { agentReplyPausesAi } from './agent-reply-pause.ts';
export { assistantTurnJob, onInboundMessage } from './jobs/assistant-turn.job.ts';
export { runTurn, type TurnInput, type TurnResult } from './run-turn.ts';

/** Registers the assistant's job handlers. */
export function registerAssistantJobs(runner: JobRunner, deps: Deps): void {
  runner.register(assistantTurnJob, assistantTurnHandler(deps));
}
