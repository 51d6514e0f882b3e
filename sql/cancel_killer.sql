-- Waits for cancel_victim.sql to be inside its endless Wasm loop, then cancels it.
DO $$
DECLARE
  victim int;
BEGIN
  FOR i IN 1..400 LOOP
    PERFORM pg_stat_clear_snapshot();
    SELECT pid INTO victim FROM pg_stat_activity
      WHERE application_name = 'wasm_cancel_victim' AND state = 'active'
        AND query LIKE 'SELECT infinite_loop()%';
    EXIT WHEN victim IS NOT NULL;
    PERFORM pg_sleep(0.05);
  END LOOP;
  IF victim IS NULL THEN
    RAISE EXCEPTION 'the victim never started its loop';
  END IF;
  PERFORM pg_sleep(0.2);  -- let it spin a little
  PERFORM pg_cancel_backend(victim);
  -- it must be out of the loop within 100 ms (polled every 10 ms)
  FOR i IN 1..10 LOOP
    PERFORM pg_stat_clear_snapshot();
    EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = victim AND state = 'active'
                          AND query LIKE 'SELECT infinite_loop()%');
    PERFORM pg_sleep(0.01);
  END LOOP;
  PERFORM pg_stat_clear_snapshot();
  RAISE NOTICE 'victim out of its loop within 100 ms: %',
    NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = victim AND state = 'active'
                AND query LIKE 'SELECT infinite_loop()%');
END $$;
