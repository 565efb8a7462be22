-- A message is sent for one recipient: unique, so the planner knows a batch of message ids matches one row each
-- (as a plain index, before the first ANALYZE it guessed hundreds and recorded sends by scanning every recipient).
DROP INDEX "campaign_recipients_message_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_recipients_message_idx" ON "campaign_recipients" USING btree ("message_id");