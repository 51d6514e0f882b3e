-- pg-wasm 1.0: the language, the module catalog and its functions.
\echo Use "CREATE EXTENSION wasm" to load this file. \quit

-- Everything below names pg_catalog's objects explicitly, so that nothing found through
-- search_path takes part. The schema must be new or the installing role's own: a schema
-- "wasm" that another role owns would let that role replace the objects made in it.
DO $guard$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n
             WHERE n.nspname OPERATOR(pg_catalog.=) 'wasm'
               AND n.nspowner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r
                                                      WHERE r.rolname OPERATOR(pg_catalog.=) pg_catalog.current_user())) THEN
    RAISE EXCEPTION 'schema wasm belongs to another role'
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Drop or rename that schema, or install as its owner.';
  END IF;
END
$guard$;

-- Modules live in the database (WAL-logged, replicated, dumped), never on the server's disk.
CREATE TABLE wasm.module_store (
  name    pg_catalog.text PRIMARY KEY
          CONSTRAINT module_name_syntax CHECK (name OPERATOR(pg_catalog.~) '^[A-Za-z_][A-Za-z0-9_.-]{0,62}$'),
  bytes   pg_catalog.bytea NOT NULL,
  sha256  pg_catalog.bytea NOT NULL,
  owner   pg_catalog.regrole NOT NULL,
  created pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
  -- The module's identity in pg_shdepend, where its owner is recorded as PostgreSQL
  -- records the owners of its own objects: DROP ROLE refuses the owner from any database.
  id      pg_catalog.oid NOT NULL CONSTRAINT module_store_id_key UNIQUE
);
COMMENT ON TABLE wasm.module_store IS
  'WebAssembly modules; change it only through wasm.load_module and wasm.drop_module';
SELECT pg_catalog.pg_extension_config_dump('wasm.module_store', '');
REVOKE ALL ON wasm.module_store FROM PUBLIC;
-- Rows written with SQL (a restore of a dump) record their owners as load_module does.
CREATE FUNCTION wasm.module_store_owners() RETURNS trigger
  AS 'MODULE_PATHNAME', 'wasm_module_store_owners' LANGUAGE C;
REVOKE ALL ON FUNCTION wasm.module_store_owners() FROM PUBLIC;
CREATE TRIGGER module_store_owners AFTER INSERT OR UPDATE OR DELETE ON wasm.module_store
  FOR EACH ROW EXECUTE FUNCTION wasm.module_store_owners();
CREATE TRIGGER module_store_truncate AFTER TRUNCATE ON wasm.module_store
  FOR EACH STATEMENT EXECUTE FUNCTION wasm.module_store_owners();
-- Bookkeeping, not policy: they fire on a logical replica's apply too.
ALTER TABLE wasm.module_store ENABLE ALWAYS TRIGGER module_store_owners;
ALTER TABLE wasm.module_store ENABLE ALWAYS TRIGGER module_store_truncate;
-- DROP OWNED takes a role's modules along, and dropping the extension forgets their
-- owners, in every session (the event trigger loads the library).
CREATE FUNCTION wasm.before_drop() RETURNS event_trigger
  AS 'MODULE_PATHNAME', 'wasm_before_drop' LANGUAGE C;
REVOKE ALL ON FUNCTION wasm.before_drop() FROM PUBLIC;
CREATE EVENT TRIGGER wasm_before_drop ON ddl_command_start
  WHEN TAG IN ('DROP OWNED', 'DROP EXTENSION', 'DROP SCHEMA')
  EXECUTE FUNCTION wasm.before_drop();
ALTER EVENT TRIGGER wasm_before_drop ENABLE ALWAYS;

GRANT USAGE ON SCHEMA wasm TO PUBLIC;

CREATE VIEW wasm.modules AS
  SELECT name, owner, pg_catalog.octet_length(bytes) AS size, pg_catalog.encode(sha256, 'hex') AS sha256, created
  FROM wasm.module_store;
COMMENT ON VIEW wasm.modules IS 'WebAssembly modules loaded with wasm.load_module';
GRANT SELECT ON wasm.modules TO PUBLIC;

CREATE FUNCTION wasm.call_handler() RETURNS language_handler
  AS 'MODULE_PATHNAME', 'wasm_call_handler' LANGUAGE C;
CREATE FUNCTION wasm.validator(oid) RETURNS void
  AS 'MODULE_PATHNAME', 'wasm_validator' LANGUAGE C STRICT;
CREATE TRUSTED LANGUAGE wasm HANDLER wasm.call_handler VALIDATOR wasm.validator;
COMMENT ON LANGUAGE wasm IS 'WebAssembly functions from modules loaded with wasm.load_module';

-- Loading and dropping modules is granted explicitly (see the README's security model).
CREATE FUNCTION wasm.load_module(name text, bytes bytea) RETURNS text
  AS 'MODULE_PATHNAME', 'wasm_load_module' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION wasm.load_module(text, bytea) IS
  'Validates and stores a WebAssembly module, replacing any module of that name';
REVOKE ALL ON FUNCTION wasm.load_module(text, bytea) FROM PUBLIC;

CREATE FUNCTION wasm.load_module_file(name text, path text) RETURNS text
  AS 'MODULE_PATHNAME', 'wasm_load_module_file' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION wasm.load_module_file(text, text) IS
  'Reads a WebAssembly module from a file on the server (superuser or pg_read_server_files)';
REVOKE ALL ON FUNCTION wasm.load_module_file(text, text) FROM PUBLIC;

CREATE FUNCTION wasm.drop_module(name text, cascade boolean DEFAULT false) RETURNS void
  AS 'MODULE_PATHNAME', 'wasm_drop_module' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION wasm.drop_module(text, boolean) IS
  'Removes a module; with cascade => true also the functions that use it';
REVOKE ALL ON FUNCTION wasm.drop_module(text, boolean) FROM PUBLIC;

CREATE FUNCTION wasm.exports(name text,
                             OUT export_name text, OUT kind text, OUT signature text)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'wasm_exports' LANGUAGE C STRICT STABLE;
COMMENT ON FUNCTION wasm.exports(text) IS 'Exports of a loaded module, with their Wasm types';

CREATE FUNCTION wasm.imports(name text,
                             OUT module text, OUT import_name text, OUT kind text,
                             OUT signature text)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'wasm_imports' LANGUAGE C STRICT STABLE;
COMMENT ON FUNCTION wasm.imports(text) IS 'Imports of a loaded module, with their Wasm types';

-- The code cache (see the README): shared by all backends with shared_preload_libraries =
-- 'wasm', else per backend.
CREATE FUNCTION wasm.cache_stats(
    OUT mode text, OUT entries bigint, OUT bytes_used bigint, OUT bytes_total bigint,
    OUT hits bigint, OUT misses bigint, OUT evictions bigint,
    OUT compile_seconds float8, OUT compile_seconds_saved float8,
    OUT backend_hits bigint, OUT backend_misses bigint, OUT backend_hit_ratio float8,
    OUT backend_compiles bigint, OUT backend_compile_seconds float8)
  RETURNS record
  AS 'MODULE_PATHNAME', 'wasm_cache_stats' LANGUAGE C VOLATILE;
CREATE VIEW wasm.cache_stats AS SELECT * FROM wasm.cache_stats();
COMMENT ON VIEW wasm.cache_stats IS 'The code cache: mode (shared or backend), size, hits, misses, evictions, compile time spent and saved, and this backend''s use of it';
GRANT SELECT ON wasm.cache_stats TO PUBLIC;
