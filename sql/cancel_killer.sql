-- Waits for cancel_victim.sql to be inside each of its endless Wasm loops (a function that
-- never returns, a set that never ends, a trigger that never returns, a window function
-- that never returns, an aggregate over endless rows), and cancels it.
DO $$
DECLARE
  victim int;
  q text;
BEGIN
  FOREACH q IN ARRAY ARRAY['SELECT infinite_loop()%', 'SELECT count(*) FROM endless(1000)%',
                           'INSERT INTO cancel_loop VALUES (1)%', 'SELECT w_hostile(4) OVER ()%',
                           'SELECT odd(3) FROM (SELECT generate_series(1, 1000000000)) s%'] LOOP
    victim := NULL;
    FOR i IN 1..400 LOOP
      PERFORM pg_stat_clear_snapshot();
      SELECT pid INTO victim FROM pg_stat_activity
        WHERE application_name = 'wasm_cancel_victim' AND state = 'active' AND query LIKE q;
      EXIT WHEN victim IS NOT NULL;
      PERFORM pg_sleep(0.05);
    END LOOP;
    IF victim IS NULL THEN
      RAISE EXCEPTION 'the victim never started %', q;
    END IF;
    PERFORM pg_sleep(0.2);  -- let it spin a little
    PERFORM pg_cancel_backend(victim);
    -- it must be out of the loop within 100 ms (polled every 10 ms)
    FOR i IN 1..10 LOOP
      PERFORM pg_stat_clear_snapshot();
      EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = victim AND state = 'active'
                            AND query LIKE q);
      PERFORM pg_sleep(0.01);
    END LOOP;
    PERFORM pg_stat_clear_snapshot();
    RAISE NOTICE 'victim out of % within 100 ms: %', rtrim(q, '%'),
      NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = victim AND state = 'active' AND query LIKE q);
  END LOOP;
END $$;
