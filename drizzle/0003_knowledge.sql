CREATE TYPE "public"."knowledge_gap_reason" AS ENUM('unanswered', 'low_confidence', 'handoff_after_ai', 'negative_reaction');--> statement-breakpoint
CREATE TYPE "public"."knowledge_gap_status" AS ENUM('open', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."knowledge_source" AS ENUM('file', 'url', 'entry');--> statement-breakpoint
CREATE TYPE "public"."knowledge_status" AS ENUM('pending', 'processing', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "knowledge_chunks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"kind" text NOT NULL,
	"topic" text,
	"heading" text,
	"questions" text[] DEFAULT '{}'::text[] NOT NULL,
	"answer" text,
	"content" text NOT NULL,
	"ts_config" text NOT NULL,
	"tsv" "tsvector" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_document_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"source" "knowledge_source" NOT NULL,
	"file_name" text,
	"url" text,
	"content_type" text,
	"storage_key" text,
	"content" text,
	"format" text,
	"language" text,
	"size_bytes" integer DEFAULT 0 NOT NULL,
	"sha256" text,
	"status" "knowledge_status" DEFAULT 'pending' NOT NULL,
	"failure_reason" text,
	"failure_params" jsonb,
	"page_count" integer,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "knowledge_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"title" text NOT NULL,
	"source" "knowledge_source" NOT NULL,
	"source_name" text,
	"format" text,
	"language_override" text,
	"language" text,
	"status" "knowledge_status" DEFAULT 'pending' NOT NULL,
	"failure_reason" text,
	"failure_params" jsonb,
	"active_version_id" uuid,
	"latest_version_id" uuid,
	"size_bytes" integer DEFAULT 0 NOT NULL,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"page_count" integer,
	"created_by_user_id" uuid,
	"processed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_gap_groups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"question" text NOT NULL,
	"norm" text NOT NULL,
	"status" "knowledge_gap_status" DEFAULT 'open' NOT NULL,
	"gap_count" integer DEFAULT 0 NOT NULL,
	"resolution" text,
	"resolution_note" text,
	"resolved_document_id" uuid,
	"resolved_by_user_id" uuid,
	"resolved_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_gaps" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"question" text NOT NULL,
	"answer_given" text,
	"reason" "knowledge_gap_reason" NOT NULL,
	"confidence" double precision,
	"conversation_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_questions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"chunk_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"question" text NOT NULL,
	"norm" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"embedding_provider" text DEFAULT 'none' NOT NULL,
	"embedding_base_url" text,
	"embedding_model" text,
	"embedding_api_key" text,
	"embedding_dimensions" integer,
	"embedding_key" text,
	"last_embedding_error" text,
	"last_embedding_error_at" timestamp with time zone,
	"answer_threshold" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_terms" (
	"organization_id" uuid NOT NULL,
	"ts_config" text NOT NULL,
	"lexeme" text NOT NULL,
	"chunk_count" integer NOT NULL,
	CONSTRAINT "knowledge_terms_organization_id_ts_config_lexeme_pk" PRIMARY KEY("organization_id","ts_config","lexeme")
);
--> statement-breakpoint
CREATE TABLE "knowledge_test_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"total" integer NOT NULL,
	"passed" integer NOT NULL,
	"results" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_tests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"question" text NOT NULL,
	"expected_answer" text,
	"expected_document_id" uuid,
	"expect_no_answer" boolean DEFAULT false NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_passed" boolean,
	"last_confidence" double precision,
	"last_answer" text,
	"last_document_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_document_id_knowledge_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."knowledge_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_version_id_knowledge_document_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."knowledge_document_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_document_versions" ADD CONSTRAINT "knowledge_document_versions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_document_versions" ADD CONSTRAINT "knowledge_document_versions_document_id_knowledge_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."knowledge_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_documents" ADD CONSTRAINT "knowledge_documents_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_documents" ADD CONSTRAINT "knowledge_documents_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_gap_groups" ADD CONSTRAINT "knowledge_gap_groups_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_gap_groups" ADD CONSTRAINT "knowledge_gap_groups_resolved_document_id_knowledge_documents_id_fk" FOREIGN KEY ("resolved_document_id") REFERENCES "public"."knowledge_documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_gap_groups" ADD CONSTRAINT "knowledge_gap_groups_resolved_by_user_id_users_id_fk" FOREIGN KEY ("resolved_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_gaps" ADD CONSTRAINT "knowledge_gaps_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_gaps" ADD CONSTRAINT "knowledge_gaps_group_id_knowledge_gap_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."knowledge_gap_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_questions" ADD CONSTRAINT "knowledge_questions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_questions" ADD CONSTRAINT "knowledge_questions_chunk_id_knowledge_chunks_id_fk" FOREIGN KEY ("chunk_id") REFERENCES "public"."knowledge_chunks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_settings" ADD CONSTRAINT "knowledge_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_terms" ADD CONSTRAINT "knowledge_terms_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_test_runs" ADD CONSTRAINT "knowledge_test_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_tests" ADD CONSTRAINT "knowledge_tests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_tests" ADD CONSTRAINT "knowledge_tests_expected_document_id_knowledge_documents_id_fk" FOREIGN KEY ("expected_document_id") REFERENCES "public"."knowledge_documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_tsv_idx" ON "knowledge_chunks" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_version_idx" ON "knowledge_chunks" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "knowledge_chunks_org_doc_idx" ON "knowledge_chunks" USING btree ("organization_id","document_id");--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_versions_doc_number_idx" ON "knowledge_document_versions" USING btree ("document_id","number");--> statement-breakpoint
CREATE INDEX "knowledge_versions_org_idx" ON "knowledge_document_versions" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "knowledge_documents_org_idx" ON "knowledge_documents" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "knowledge_gap_groups_norm_trgm_idx" ON "knowledge_gap_groups" USING gin ("norm" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "knowledge_gap_groups_org_idx" ON "knowledge_gap_groups" USING btree ("organization_id","status","id");--> statement-breakpoint
CREATE INDEX "knowledge_gaps_group_idx" ON "knowledge_gaps" USING btree ("group_id","created_at");--> statement-breakpoint
CREATE INDEX "knowledge_gaps_org_idx" ON "knowledge_gaps" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "knowledge_questions_norm_trgm_idx" ON "knowledge_questions" USING gin ("norm" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "knowledge_questions_chunk_idx" ON "knowledge_questions" USING btree ("chunk_id");--> statement-breakpoint
CREATE INDEX "knowledge_questions_org_idx" ON "knowledge_questions" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "knowledge_test_runs_org_idx" ON "knowledge_test_runs" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "knowledge_tests_org_idx" ON "knowledge_tests" USING btree ("organization_id","id");