-- Trigger functions (RETURNS trigger LANGUAGE wasm): BEFORE, AFTER and INSTEAD OF, ROW and
-- STATEMENT, INSERT, UPDATE, DELETE and TRUNCATE; rows modified and skipped, checked
-- against the same triggers in PL/pgSQL; hostile triggers. The guest gets the event as a
-- row (udf-sdk/ABI.md, "Triggers").
CREATE FUNCTION normalize_email() RETURNS trigger LANGUAGE wasm AS 'triggers:normalize_email';
CREATE FUNCTION bump_version() RETURNS trigger LANGUAGE wasm AS 'triggers:bump_version';
CREATE FUNCTION tg_echo() RETURNS trigger LANGUAGE wasm AS 'triggers:tg_echo';
CREATE FUNCTION skip_all() RETURNS trigger LANGUAGE wasm AS 'triggers:skip_all';
CREATE FUNCTION bad_trigger() RETURNS trigger LANGUAGE wasm AS 'triggers:bad_trigger';
-- The PL/pgSQL oracle of normalize_email and bump_version.
CREATE FUNCTION normalize_email_sql() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v text := btrim(translate(NEW.email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), E' \t\r\n');
BEGIN
  IF NEW.email IS NULL THEN RETURN NEW; END IF;
  IF strpos(v, '@') <= 1 OR strpos(v, '@') = length(v) THEN RETURN NULL; END IF;
  NEW.email := v;
  RETURN NEW;
END $$;
CREATE FUNCTION bump_version_sql() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := coalesce(OLD.version, 0) + 1;
  RETURN NEW;
END $$;

-- the same table twice, one with the wasm triggers, one with the PL/pgSQL ones
CREATE TABLE users_w (id int PRIMARY KEY, email text, version int DEFAULT 0, tags text[], score numeric);
CREATE TABLE users_p (LIKE users_w INCLUDING ALL);
CREATE TRIGGER norm BEFORE INSERT OR UPDATE ON users_w FOR EACH ROW EXECUTE FUNCTION normalize_email('email');
CREATE TRIGGER bump BEFORE UPDATE ON users_w FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER norm BEFORE INSERT OR UPDATE ON users_p FOR EACH ROW EXECUTE FUNCTION normalize_email_sql();
CREATE TRIGGER bump BEFORE UPDATE ON users_p FOR EACH ROW EXECUTE FUNCTION bump_version_sql();
CREATE TABLE addresses (id int, email text);
INSERT INTO addresses
  SELECT i, CASE i % 5 WHEN 0 THEN 'no-at-sign' WHEN 1 THEN '  User' || i || '@Example.COM ' WHEN 2 THEN NULL
                       WHEN 3 THEN '@leading' ELSE 'trailing' || i || '@' END
    FROM generate_series(1, 2000) i;
INSERT INTO users_w (id, email, tags, score) SELECT id, email, ARRAY['t' || id], id / 7.0 FROM addresses;
INSERT INTO users_p (id, email, tags, score) SELECT id, email, ARRAY['t' || id], id / 7.0 FROM addresses;
SELECT count(*) AS stored, count(email) AS with_email FROM users_w;
(SELECT * FROM users_w EXCEPT SELECT * FROM users_p) UNION ALL (SELECT * FROM users_p EXCEPT SELECT * FROM users_w);
UPDATE users_w SET email = upper(email) || ' ' WHERE id % 3 = 0;
UPDATE users_p SET email = upper(email) || ' ' WHERE id % 3 = 0;
UPDATE users_w SET email = 'broken' WHERE id = 1;  -- skipped: no row changes
UPDATE users_p SET email = 'broken' WHERE id = 1;
SELECT sum(version) AS versions, count(*) FILTER (WHERE version = 1) AS updated FROM users_w;
(SELECT * FROM users_w EXCEPT SELECT * FROM users_p) UNION ALL (SELECT * FROM users_p EXCEPT SELECT * FROM users_w);
SELECT * FROM users_w WHERE id IN (1, 3, 6) ORDER BY id;

-- every timing and level, with TG_ARGV, the names, NEW and OLD
CREATE TABLE events_t (id int, v text);
CREATE TRIGGER a_bs BEFORE INSERT OR UPDATE OR DELETE ON events_t FOR EACH STATEMENT EXECUTE FUNCTION tg_echo('stmt');
CREATE TRIGGER b_br BEFORE INSERT OR UPDATE OR DELETE ON events_t FOR EACH ROW EXECUTE FUNCTION tg_echo('row', 'x y');
CREATE TRIGGER c_ar AFTER INSERT OR UPDATE OR DELETE ON events_t FOR EACH ROW EXECUTE FUNCTION tg_echo();
CREATE TRIGGER d_as AFTER INSERT OR UPDATE OR DELETE ON events_t FOR EACH STATEMENT EXECUTE FUNCTION tg_echo();
CREATE TRIGGER e_tr BEFORE TRUNCATE ON events_t FOR EACH STATEMENT EXECUTE FUNCTION tg_echo('truncate');
INSERT INTO events_t VALUES (1, 'one');
UPDATE events_t SET v = 'uno';
DELETE FROM events_t;
TRUNCATE events_t;
-- a BEFORE ROW trigger that skips every row: nothing is inserted, updated or deleted
CREATE TABLE skipped (id int);
INSERT INTO skipped VALUES (1), (2);
CREATE TRIGGER skip BEFORE INSERT OR UPDATE OR DELETE ON skipped FOR EACH ROW EXECUTE FUNCTION skip_all();
INSERT INTO skipped VALUES (3);
UPDATE skipped SET id = id + 10;
DELETE FROM skipped;
SELECT * FROM skipped ORDER BY id;

-- INSTEAD OF on a view
CREATE TABLE base_t (id int, email text);
CREATE VIEW base_v AS SELECT id, email FROM base_t;
CREATE FUNCTION base_v_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO base_t VALUES (NEW.id, NEW.email); RETURN NEW; END $$;
CREATE TRIGGER v_norm INSTEAD OF INSERT ON base_v FOR EACH ROW EXECUTE FUNCTION tg_echo('view');
INSERT INTO base_v VALUES (1, 'x@y.z');
SELECT count(*) AS base_rows FROM base_t;  -- tg_echo does not insert: 0

-- dropped columns, a partitioned table, a column added later
CREATE TABLE dropped (a int, gone text, version int, email text);
ALTER TABLE dropped DROP COLUMN gone;
CREATE TRIGGER bump BEFORE UPDATE ON dropped FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER norm BEFORE INSERT OR UPDATE ON dropped FOR EACH ROW EXECUTE FUNCTION normalize_email();
INSERT INTO dropped VALUES (1, 0, ' A@B.C ');
UPDATE dropped SET a = 2;
ALTER TABLE dropped ADD COLUMN extra jsonb DEFAULT '{"k": 1}';
UPDATE dropped SET a = 3;
SELECT * FROM dropped;
CREATE TABLE parted (id int, email text, version int) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (100);
CREATE TABLE parted_2 (version int, email text, id int);  -- columns in another order
ALTER TABLE parted ATTACH PARTITION parted_2 FOR VALUES FROM (100) TO (200);
CREATE TRIGGER norm BEFORE INSERT OR UPDATE ON parted FOR EACH ROW EXECUTE FUNCTION normalize_email();
INSERT INTO parted VALUES (1, ' P1@X.Y', 0), (150, ' P2@X.Y', 0), (151, 'nope', 0);
SELECT tableoid::regclass, * FROM parted ORDER BY id;

-- hostile triggers: each an ERROR naming the function, nothing stored
CREATE TABLE victims (id int, email text);
CREATE TRIGGER bad BEFORE INSERT ON victims FOR EACH ROW EXECUTE FUNCTION bad_trigger('1');
INSERT INTO victims VALUES (1, 'a@b.c');
DROP TRIGGER bad ON victims;
CREATE TRIGGER bad BEFORE INSERT ON victims FOR EACH ROW EXECUTE FUNCTION bad_trigger('2');
INSERT INTO victims VALUES (1, 'a@b.c');
DROP TRIGGER bad ON victims;
CREATE TRIGGER bad BEFORE INSERT ON victims FOR EACH ROW EXECUTE FUNCTION bad_trigger('3');
INSERT INTO victims VALUES (1, 'a@b.c');
DROP TRIGGER bad ON victims;
CREATE TRIGGER bad BEFORE INSERT ON victims FOR EACH ROW EXECUTE FUNCTION bad_trigger('4');
SET wasm.call_fuel_limit = 1000000;
INSERT INTO victims SELECT i, 'a@b.c' FROM generate_series(1, 3) i;
RESET wasm.call_fuel_limit;
DROP TRIGGER bad ON victims;
CREATE TRIGGER bad BEFORE INSERT ON victims FOR EACH ROW EXECUTE FUNCTION normalize_email('no_such_column');
INSERT INTO victims VALUES (1, 'a@b.c');
DROP TRIGGER bad ON victims;
SELECT count(*) AS stored FROM victims;
-- a trigger function called as a function, an event trigger, a module of ABI version 1
SELECT tg_echo();
CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE wasm AS 'triggers:tg_echo';
CREATE FUNCTION tg_v1() RETURNS trigger LANGUAGE wasm AS 'v1text:byte_count';
CREATE FUNCTION tg_wrong() RETURNS trigger LANGUAGE wasm AS 'sets:tokens';
