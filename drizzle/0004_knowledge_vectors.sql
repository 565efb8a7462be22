-- Vector embeddings of knowledge chunks. pgvector is optional on servers, so the table exists only where the
-- `vector` extension does (always on PGlite); without it search stays lexical. The application runs the same
-- idempotent DDL at start of an embeddings job, so installing pgvector later needs no new migration.
-- The column has no fixed dimension (models differ); HNSW indexes are partial per dimension, created on demand.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN
    CREATE TABLE IF NOT EXISTS knowledge_embeddings (
      chunk_id uuid PRIMARY KEY REFERENCES knowledge_chunks(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      model_key text NOT NULL,
      dims integer NOT NULL,
      embedding vector NOT NULL
    );
    CREATE INDEX IF NOT EXISTS knowledge_embeddings_org_model_idx ON knowledge_embeddings (organization_id, model_key);
  END IF;
END
$$;
