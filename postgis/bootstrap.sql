-- Database bootstrap for a PostgreSQL/PostGIS server (run once, as a superuser).
-- The schema itself lives only in the TypeORM migrations (apps/api/src/migrations),
-- which the API applies at boot; this file only prepares what needs a superuser.
-- docker-compose mounts it into /docker-entrypoint-initdb.d/.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A role for read-only analysis (BI tools, ad-hoc SQL) that cannot change anything.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridcmd_readonly') THEN
    CREATE ROLE gridcmd_readonly NOLOGIN;
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO gridcmd_readonly;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO gridcmd_readonly;
