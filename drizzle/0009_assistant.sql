CREATE TYPE "public"."assistant_brain" AS ENUM('auto', 'llm', 'offline');--> statement-breakpoint
CREATE TYPE "public"."confirmation_state" AS ENUM('pending', 'confirmed', 'cancelled', 'expired');--> statement-breakpoint
CREATE TYPE "public"."keyword_match" AS ENUM('exact', 'contains', 'starts_with', 'regex');--> statement-breakpoint
CREATE TYPE "public"."llm_provider" AS ENUM('openai', 'openai_compatible', 'anthropic');--> statement-breakpoint
CREATE TABLE "assistant_confirmations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"tool_name" text NOT NULL,
	"tool_id" uuid,
	"args" jsonb NOT NULL,
	"state" "confirmation_state" DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistant_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"conversation_id" uuid,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistant_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"conversation_id" uuid,
	"kind" text NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"language" text,
	"collecting" jsonb,
	"unknown_count" integer DEFAULT 0 NOT NULL,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assistant_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"brain" "assistant_brain" DEFAULT 'auto' NOT NULL,
	"provider" "llm_provider",
	"api_key_encrypted" text,
	"api_key_last4" text,
	"base_url" text,
	"model" text,
	"persona" text DEFAULT '' NOT NULL,
	"instructions" text DEFAULT '' NOT NULL,
	"auto_assist" boolean DEFAULT true NOT NULL,
	"start_keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"stop_keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"keyword_match" text DEFAULT 'contains' NOT NULL,
	"agent_reply_pauses_ai" boolean DEFAULT true NOT NULL,
	"confirmation_minutes" integer DEFAULT 10 NOT NULL,
	"knowledge_threshold" real,
	"max_unknown_before_handoff" integer DEFAULT 2 NOT NULL,
	"transcribe_audio" boolean DEFAULT false NOT NULL,
	"audio_replies" boolean DEFAULT false NOT NULL,
	"voice" text DEFAULT 'alloy' NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "automated_replies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"keywords" jsonb NOT NULL,
	"match" "keyword_match" DEFAULT 'contains' NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"channel_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active_from" text,
	"active_to" text,
	"active_days" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reply" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assistant_confirmations" ADD CONSTRAINT "assistant_confirmations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_confirmations" ADD CONSTRAINT "assistant_confirmations_session_id_assistant_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."assistant_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_events" ADD CONSTRAINT "assistant_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_events" ADD CONSTRAINT "assistant_events_session_id_assistant_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."assistant_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_events" ADD CONSTRAINT "assistant_events_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_sessions" ADD CONSTRAINT "assistant_sessions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_sessions" ADD CONSTRAINT "assistant_sessions_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assistant_settings" ADD CONSTRAINT "assistant_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automated_replies" ADD CONSTRAINT "automated_replies_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assistant_confirmations_session_idx" ON "assistant_confirmations" USING btree ("session_id","state");--> statement-breakpoint
CREATE INDEX "assistant_events_org_idx" ON "assistant_events" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "assistant_events_session_idx" ON "assistant_events" USING btree ("session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assistant_sessions_conversation_idx" ON "assistant_sessions" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "assistant_sessions_org_idx" ON "assistant_sessions" USING btree ("organization_id","updated_at");--> statement-breakpoint
CREATE INDEX "automated_replies_org_idx" ON "automated_replies" USING btree ("organization_id","priority");