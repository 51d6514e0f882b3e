-- No backend crashed during the suite: a crash would have restarted the postmaster.
-- (test/pg/run_regress.sh also checks the server log for "terminated by signal".)
SELECT pg_postmaster_start_time() = started AS postmaster_not_restarted FROM regress_start;
