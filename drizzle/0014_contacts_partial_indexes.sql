DROP INDEX "contacts_org_wa_id_idx";--> statement-breakpoint
DROP INDEX "contacts_org_last_seen_idx";--> statement-breakpoint
CREATE INDEX "contacts_org_wa_id_idx" ON "contacts" USING btree ("organization_id","wa_id") WHERE "contacts"."wa_id" is not null;--> statement-breakpoint
CREATE INDEX "contacts_org_last_seen_idx" ON "contacts" USING btree ("organization_id","last_seen_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "contacts"."last_seen_at" is not null;