-- Rollback for migration 20251008_141000_add_tour_availability
-- Run by: Engineering on-call, 2025-10-08 14:35 -06:00 (INC-2025-10-08-001)
-- Approved by: CTO at 14:32 -06:00
--
-- Usage:
--   psql "$BOOKINGS_PRIMARY_URL" -v ON_ERROR_STOP=1 -f 20251008_141000_rollback.sql

SET lock_timeout = '5s';
SET statement_timeout = '60s';

BEGIN;

DROP INDEX IF EXISTS bookings_tour_availability_idx;

ALTER TABLE bookings
    DROP COLUMN IF EXISTS tour_availability;

DELETE FROM schema_migrations
 WHERE version = '20251008141000';

COMMIT;

-- Verification (expected: 0 rows)
SELECT column_name
  FROM information_schema.columns
 WHERE table_name = 'bookings'
   AND column_name = 'tour_availability';
