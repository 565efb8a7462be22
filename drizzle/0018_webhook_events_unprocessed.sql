-- Deliveries still to be processed, found without reading the processed ones (most are processed as they
-- are stored); in-doubt campaign sends wait for them.
CREATE INDEX "webhook_events_unprocessed_idx" ON "webhook_events" USING btree ("channel_id","received_at") WHERE processed_at is null;