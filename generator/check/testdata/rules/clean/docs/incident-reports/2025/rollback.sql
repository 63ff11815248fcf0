ALTER TABLE bookings DROP COLUMN tour_availability;
