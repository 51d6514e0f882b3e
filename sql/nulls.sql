-- NULLs: STRICT functions are never called with NULL; others see which arguments are
-- NULL and may return NULL.
CREATE FUNCTION greet(text) RETURNS text LANGUAGE wasm IMMUTABLE AS 'nulls:greet';
CREATE FUNCTION greet_strict(text) RETURNS text LANGUAGE wasm STRICT IMMUTABLE AS 'nulls:greet';
CREATE FUNCTION null_if_zero(int) RETURNS int LANGUAGE wasm IMMUTABLE AS 'nulls:null_if_zero';
CREATE FUNCTION sum_nonnull(bigint, bigint) RETURNS bigint LANGUAGE wasm IMMUTABLE AS 'nulls:sum_nonnull';
SELECT greet('ada'), greet(NULL), greet_strict(NULL) IS NULL AS strict_skipped;
SELECT null_if_zero(5), null_if_zero(0) IS NULL AS zero, null_if_zero(NULL) IS NULL AS null_in;
SELECT sum_nonnull(1, 2), sum_nonnull(NULL, 2), sum_nonnull(1, NULL), sum_nonnull(NULL, NULL) IS NULL AS both;
SELECT x, greet(x) FROM (VALUES ('a'), (NULL), ('b')) v(x);
