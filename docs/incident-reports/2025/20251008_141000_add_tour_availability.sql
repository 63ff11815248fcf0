-- Migration 20251008_141000_add_tour_availability
-- Author: booking-platform team
-- Applied to production 2025-10-08 14:00 -06:00, rolled back 14:35 -06:00.
-- See INC-2025-10-08-001: the column was added NOT NULL without a default,
-- so every INSERT from booking-api that did not name it failed.

BEGIN;

ALTER TABLE bookings
    ADD COLUMN tour_availability integer NOT NULL;

COMMENT ON COLUMN bookings.tour_availability IS
    'Seats left on the tour slot at the moment of booking (for overbooking analysis)';

CREATE INDEX bookings_tour_availability_idx
    ON bookings (tour_id, tour_availability);

COMMIT;
