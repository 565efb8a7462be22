-- Extensions every module relies on. pg_trgm and unaccent are trusted contrib modules (PostgreSQL 13+).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
-- pgvector is optional on servers (Debian package postgresql-15-pgvector); PGlite always has it.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS vector;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pgvector is not available on this server: vector search stays off';
END
$$;
--> statement-breakpoint
-- unaccent() is STABLE (it depends on the search path); this wrapper pins the dictionary so it can be used in indexes.
CREATE OR REPLACE FUNCTION charla_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $fn$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $fn$;
