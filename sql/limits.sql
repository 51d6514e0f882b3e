-- Limits: fuel per statement, memory per instance, argument size; users may lower them.
SELECT add(0, 0);  -- the library is loaded on first use; its settings appear then
SHOW wasm.fuel_limit;
SHOW wasm.memory_limit;
SET wasm.fuel_limit = 1000000;
SELECT infinite_loop();
-- fuel is for the whole statement: many small calls add up
SELECT sum(collatz(i)) FROM generate_series(1, 30000) i;
SET wasm.fuel_limit = 100000000;
SELECT sum(collatz(i)) FROM generate_series(1, 30000) i;
-- every statement starts with a full budget
SELECT sum(collatz(i)) FROM generate_series(1, 30000) i;
RESET wasm.fuel_limit;

SET wasm.memory_limit = '1MB';
SELECT memory_bomb();  -- 16 pages at most
SELECT byte_length(convert_to(repeat('x', 2000000), 'UTF8'));  -- cannot fit
SELECT wasm.load_module('bigmem', example('bigmem.wasm'));
CREATE FUNCTION bigmem_pages() RETURNS int LANGUAGE wasm AS 'bigmem:pages';
SELECT bigmem_pages();  -- needs 192 MiB at start
RESET wasm.memory_limit;
SET wasm.memory_limit = '256MB';
SELECT bigmem_pages();
RESET wasm.memory_limit;
SELECT wasm.drop_module('bigmem', cascade => true);
