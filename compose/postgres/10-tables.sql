-- Generated from fakes/supabase/tables.ts by harness/targets/compose-file.test.ts (OVERBENCH_UPDATE_COMPOSE_SQL=1); do not edit.
CREATE TABLE IF NOT EXISTS "conversations" (
  "id" text NOT NULL DEFAULT gen_random_uuid()::text,
  "session_id" text,
  "title" text,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  "metadata" jsonb DEFAULT '{}'::jsonb,
  CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "conversations_session_id_idx" ON "conversations" ("session_id");

CREATE TABLE IF NOT EXISTS "messages" (
  "id" bigserial,
  "conversation_id" text NOT NULL,
  "role" text NOT NULL,
  "content" text,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "idempotency_key" text,
  "metadata" jsonb DEFAULT '{}'::jsonb,
  CONSTRAINT "messages_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "messages_idempotency_key_key" UNIQUE ("idempotency_key")
);
CREATE INDEX IF NOT EXISTS "messages_conversation_id_idx" ON "messages" ("conversation_id");

CREATE TABLE IF NOT EXISTS "sessions" (
  "id" text NOT NULL DEFAULT gen_random_uuid()::text,
  "user_id" text,
  "client_info" jsonb,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  "last_seen_at" timestamptz,
  "expires_at" timestamptz,
  "metadata" jsonb DEFAULT '{}'::jsonb,
  CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "sessions_user_id_idx" ON "sessions" ("user_id");

CREATE TABLE IF NOT EXISTS "file_uploads" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "session_id" text,
  "conversation_id" text,
  "bucket" text NOT NULL,
  "path" text NOT NULL,
  "filename" text,
  "content_type" text,
  "size_bytes" bigint,
  "sha256" text,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "metadata" jsonb DEFAULT '{}'::jsonb,
  CONSTRAINT "file_uploads_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "file_uploads_bucket_path_key" UNIQUE ("bucket", "path")
);
CREATE INDEX IF NOT EXISTS "file_uploads_session_id_idx" ON "file_uploads" ("session_id");
CREATE INDEX IF NOT EXISTS "file_uploads_conversation_id_idx" ON "file_uploads" ("conversation_id");

CREATE TABLE IF NOT EXISTS "auditor_observations" (
  "id" bigserial,
  "session_id" text,
  "conversation_id" text,
  "kind" text NOT NULL,
  "severity" text,
  "observation" text,
  "payload" jsonb,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "auditor_observations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "auditor_observations_session_id_idx" ON "auditor_observations" ("session_id");

CREATE TABLE IF NOT EXISTS "metrics_rollups" (
  "id" bigserial,
  "instance_id" text NOT NULL,
  "window_start" timestamptz NOT NULL,
  "window_end" timestamptz,
  "backend" text,
  "counters" jsonb DEFAULT '{}'::jsonb,
  "latency" jsonb,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  "updated_at" timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "metrics_rollups_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "metrics_rollups_instance_id_window_start_key" UNIQUE ("instance_id", "window_start")
);
CREATE INDEX IF NOT EXISTS "metrics_rollups_instance_id_idx" ON "metrics_rollups" ("instance_id");
