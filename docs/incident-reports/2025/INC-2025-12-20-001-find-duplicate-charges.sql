-- INC-2025-12-20-001: find customers charged more than once for one checkout.
-- Run against the analytics copy of CaribePay's transaction export
-- (table caribepay_transactions, loaded 2025-12-21 10:40 -06:00).
-- Reviewed by: Diego Castillo. Ran: 2025-12-21 11:10 -06:00.

WITH captured AS (
    SELECT t.id                 AS transaction_id,
           t.metadata ->> 'checkout_id' AS checkout_id,
           t.amount_cents,
           t.currency,
           t.captured_at,
           row_number() OVER (
               PARTITION BY t.metadata ->> 'checkout_id', t.amount_cents, t.currency
               ORDER BY t.captured_at
           ) AS nth
      FROM caribepay_transactions AS t
     WHERE t.status = 'captured'
       AND t.captured_at >= '2025-12-20 21:30:00-06'
       AND t.captured_at <  '2025-12-21 02:00:00-06'
)
SELECT c.checkout_id,
       b.id            AS booking_id,
       b.customer_id,
       c.transaction_id AS duplicate_transaction_id,
       c.amount_cents,
       c.currency,
       c.captured_at
  FROM captured AS c
  LEFT JOIN bookings AS b ON b.checkout_id = c.checkout_id
 WHERE c.nth > 1
 ORDER BY c.captured_at;

-- Result on 2025-12-21: 214 rows, 214 distinct customers,
-- sum(amount_cents) = 3187000 (USD equivalent).
