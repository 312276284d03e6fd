-- Up Migration
-- The delivery_id an attempt's signed body carried (none for a skipped attempt,
-- or one made before bodies carried it), so a receiver's refusal of a replayed
-- id can be matched with the attempts.
ALTER TABLE webhook_deliveries ADD COLUMN delivery_id uuid;

-- Down Migration
ALTER TABLE webhook_deliveries DROP COLUMN delivery_id;
