-- Status webhooks update messages (delivered, read) and stored webhook deliveries (processed_at) at
-- thousands a second during a campaign. Without an index on the columns they change, and with free space
-- on each page for the new row version, PostgreSQL makes these updates HOT: no new entry in every index
-- per update. The partial index on queued messages named `status` (and no query used it); fillfactor
-- applies to pages written from now on.
DROP INDEX "messages_queued_idx";--> statement-breakpoint
ALTER TABLE "messages" SET (fillfactor = 85);--> statement-breakpoint
ALTER TABLE "webhook_events" SET (fillfactor = 80);
