ALTER TABLE "invitations" DROP CONSTRAINT "invitations_membership_id_memberships_id_fk";
--> statement-breakpoint
ALTER TABLE "invitations" ALTER COLUMN "membership_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE set null ON UPDATE no action;