CREATE TYPE "public"."integration_auth_type" AS ENUM('none', 'apiKey', 'bearer', 'basic', 'oauth2');--> statement-breakpoint
CREATE TYPE "public"."integration_kind" AS ENUM('http', 'mcp');--> statement-breakpoint
CREATE TYPE "public"."tool_call_source" AS ENUM('assistant', 'test', 'playground');--> statement-breakpoint
CREATE TYPE "public"."tool_call_status" AS ENUM('ok', 'error', 'timeout', 'circuit_open');--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" "integration_kind" DEFAULT 'http' NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"base_url" text,
	"auth_type" "integration_auth_type" DEFAULT 'none' NOT NULL,
	"auth_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"headers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"secrets" text,
	"secret_hints" jsonb DEFAULT '{"auth":{},"values":{}}'::jsonb NOT NULL,
	"allowed_private_hosts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"oauth_token" text,
	"oauth_token_expires_at" timestamp with time zone,
	"circuit_failure_threshold" integer DEFAULT 5 NOT NULL,
	"circuit_cooldown_seconds" integer DEFAULT 60 NOT NULL,
	"circuit_failures" integer DEFAULT 0 NOT NULL,
	"circuit_open_until" timestamp with time zone,
	"circuit_probe_until" timestamp with time zone,
	"last_synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integrations_circuit_check" CHECK ("integrations"."circuit_failure_threshold" between 1 and 100 and "integrations"."circuit_cooldown_seconds" between 1 and 86400)
);
--> statement-breakpoint
CREATE TABLE "tool_calls" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"tool_id" uuid,
	"integration_id" uuid,
	"tool_name" text NOT NULL,
	"conversation_id" uuid,
	"source" "tool_call_source" NOT NULL,
	"arguments" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "tool_call_status" NOT NULL,
	"http_status" integer,
	"latency_ms" integer NOT NULL,
	"error_code" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tools" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"examples" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"parameters" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"request" jsonb,
	"response_mapping" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"response_mode" text DEFAULT 'template' NOT NULL,
	"reply_template" text,
	"timeout_ms" integer DEFAULT 10000 NOT NULL,
	"retries" integer DEFAULT 2 NOT NULL,
	"fallback_message" text,
	"handoff_on_failure" boolean DEFAULT false NOT NULL,
	"requires_confirmation" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"mcp_tool_name" text,
	"input_schema" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tools_limits_check" CHECK ("tools"."timeout_ms" between 500 and 60000 and "tools"."retries" between 0 and 5)
);
--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_tool_id_tools_id_fk" FOREIGN KEY ("tool_id") REFERENCES "public"."tools"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_calls" ADD CONSTRAINT "tool_calls_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tools" ADD CONSTRAINT "tools_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tools" ADD CONSTRAINT "tools_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integrations_org_idx" ON "integrations" USING btree ("organization_id","id");--> statement-breakpoint
CREATE INDEX "tool_calls_org_created_idx" ON "tool_calls" USING btree ("organization_id","created_at");--> statement-breakpoint
CREATE INDEX "tool_calls_tool_idx" ON "tool_calls" USING btree ("tool_id","created_at");--> statement-breakpoint
CREATE INDEX "tool_calls_conversation_idx" ON "tool_calls" USING btree ("conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tools_org_name_idx" ON "tools" USING btree ("organization_id","name");--> statement-breakpoint
CREATE INDEX "tools_integration_idx" ON "tools" USING btree ("integration_id","id");