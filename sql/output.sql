-- Guest output (WASI fd_write on stdout) becomes NOTICEs, at most wasm.output_lines per
-- statement.
CREATE FUNCTION shout(text) RETURNS int LANGUAGE wasm STRICT AS 'text:shout';
SELECT shout('hello');
SET wasm.output_lines = 3;
SELECT sum(shout('row ' || i)) FROM generate_series(1, 6) i;
SELECT shout('a new statement has a new quota');
RESET wasm.output_lines;
