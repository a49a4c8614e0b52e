-- Who sent each event (JSON {keyId, role, partnerId?, userId?}) and the version of its stored form (NULL: version 1,
-- the client's JSON as sent). Rows written before this migration keep NULL in both and read back as version 1.
ALTER TABLE eco_events ADD COLUMN IF NOT EXISTS actor text;
ALTER TABLE eco_events ADD COLUMN IF NOT EXISTS schema_version smallint;
