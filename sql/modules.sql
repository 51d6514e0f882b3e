-- Loading, inspecting, replacing and dropping modules.
SELECT * FROM wasm.exports('math') ORDER BY export_name;
SELECT * FROM wasm.imports('text') ORDER BY import_name;
SELECT * FROM wasm.exports('nope');

-- Bad input: every case is an ERROR that says what is wrong, and where.
SELECT wasm.load_module('junk', '\x0061736d02000000'::bytea);           -- wrong version
SELECT wasm.load_module('junk', '\x0061736d01000000017f'::bytea);       -- truncated section
SELECT wasm.load_module('junk', 'not wasm at all'::bytea);
SELECT wasm.load_module('junk', ''::bytea);
-- a type section that claims 2^32-1 entries must not allocate them
SELECT wasm.load_module('junk', '\x0061736d010000000105ffffffff0f'::bytea);
SELECT wasm.load_module('simd', example('simd.wasm'));
SELECT wasm.load_module('badimport', example('badimport.wasm'));
SELECT wasm.load_module('badimport', example('badimports.wasm'));      -- a host function, wrong type
SELECT wasm.load_module('badimport', example('importmemory.wasm'));    -- imports a memory
SELECT wasm.load_module('bad name!', example('version1.wasm'));
SELECT wasm.load_module('', example('version1.wasm'));
SET wasm.max_module_size = '1kB';
SELECT wasm.load_module('toolarge', example('math.wasm'));
RESET wasm.max_module_size;
SELECT count(*) AS nothing_stored FROM wasm.modules WHERE name IN ('junk', 'simd', 'badimport', 'toolarge');

-- Replacing a module: its functions run the new code from the next statement on.
SELECT wasm.load_module('versioned', example('version1.wasm'));
CREATE FUNCTION module_version() RETURNS int LANGUAGE wasm AS 'versioned:version';
CREATE FUNCTION only_in_v1() RETURNS int LANGUAGE wasm AS 'versioned:only_in_v1';
SELECT module_version(), only_in_v1();
SELECT wasm.load_module('versioned', example('version2.wasm'));
SELECT module_version();
SELECT only_in_v1();  -- the export is gone
-- replacement is transactional
BEGIN;
SELECT wasm.load_module('versioned', example('version1.wasm'));
SELECT module_version();
ROLLBACK;
SELECT module_version();

-- Dropping: refused while functions use the module, unless cascading.
SELECT wasm.drop_module('versioned');
SELECT wasm.drop_module('versioned', cascade => true);
SELECT count(*) AS functions_left FROM pg_proc WHERE proname IN ('module_version', 'only_in_v1');
SELECT wasm.drop_module('versioned');
-- a function whose module is gone fails cleanly
SELECT wasm.load_module('gone', example('version1.wasm'));
CREATE FUNCTION gone_version() RETURNS int LANGUAGE wasm AS 'gone:version';
DELETE FROM wasm.module_store WHERE name = 'gone';  -- behind the API's back (superuser)
SELECT gone_version();
DROP FUNCTION gone_version();

-- A module whose start function traps loads (it is valid) but cannot be instantiated.
SELECT wasm.load_module('starttrap', example('starttrap.wasm'));
CREATE FUNCTION starttrap() RETURNS int LANGUAGE wasm AS 'starttrap:f';
SELECT starttrap();
SELECT wasm.drop_module('starttrap', cascade => true);

-- Results outside memory, and text arguments without the guest allocator.
SELECT wasm.load_module('badresult', example('badresult.wasm'));
CREATE FUNCTION wild() RETURNS text LANGUAGE wasm AS 'badresult:wild';
CREATE FUNCTION noalloc(text) RETURNS int LANGUAGE wasm AS 'badresult:noalloc';
SELECT wild();
SELECT noalloc('x');
SELECT wasm.drop_module('badresult', cascade => true);

-- A module replaced inside a transaction while a call site stays alive (a PL/pgSQL
-- expression): the next statement checks the new export's signature again.
SELECT wasm.load_module('shape', example('version1.wasm'));
CREATE FUNCTION shape_version() RETURNS int LANGUAGE wasm AS 'shape:version';
CREATE FUNCTION call_shape() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN shape_version(); END $$;
BEGIN;
SELECT call_shape();
SELECT wasm.load_module('shape', example('wide.wasm'));
SELECT call_shape();
ROLLBACK;
SELECT call_shape();
DROP FUNCTION call_shape();
SELECT wasm.drop_module('shape', cascade => true);

-- A trap in the guest allocator is an ERROR like any other trap; a later call (here after
-- the error was caught) runs on a fresh instance.
SELECT wasm.load_module('alloctrap', example('alloctrap.wasm'));
CREATE FUNCTION alloc_len(text) RETURNS int LANGUAGE wasm STRICT AS 'alloctrap:len';
SELECT alloc_len('thirteen char');
DO $$
DECLARE
  r int;
BEGIN
  FOR i IN 1..2 LOOP
    BEGIN
      r := alloc_len(CASE i WHEN 1 THEN 'thirteen char' ELSE 'ok' END);
      RAISE NOTICE 'call %: %', i, r;
    EXCEPTION WHEN external_routine_exception THEN
      RAISE NOTICE 'call %: %', i, SQLERRM;
    END;
  END LOOP;
END $$;
-- An allocator that fails (returns 0), or returns a block past the end of its memory.
SELECT alloc_len('seven c');
SELECT alloc_len('eleven char');
SELECT alloc_len('fine');
SELECT wasm.drop_module('alloctrap', cascade => true);

-- WASI proc_exit ends the call with an ERROR (every time: a fresh instance runs it again).
SELECT wasm.load_module('procexit', example('procexit.wasm'));
CREATE FUNCTION quit() RETURNS int LANGUAGE wasm AS 'procexit:quit';
SELECT quit();
SELECT quit();
SELECT wasm.drop_module('procexit', cascade => true);
