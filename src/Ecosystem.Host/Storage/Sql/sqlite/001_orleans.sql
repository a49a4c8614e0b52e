-- Orleans 10.4.2 ADO.NET schema for SQLite (>= 3.45): grain storage and reminders.
-- No clustering tables: SQLite deployments use localhost clustering.
--
-- The Orleans packages ship no SQL; the providers load their statements from OrleansQuery at
-- start-up. The host applies this whole file idempotently on every start (one command, one
-- transaction), so every statement must be safe to re-run, and the query rows are replaced so
-- that edits here reach existing databases on the next start.
--
-- Query texts avoid single quotes so nothing needs escaping. Some texts hold two statements:
-- SQLite has no data-modifying CTEs, and the provider gathers rows from every result set.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

------------------------------------------------------------------------------------------------
-- Grain storage
------------------------------------------------------------------------------------------------

-- GrainIdN0/N1 are never NULL (0 for string keys); only the extension string can be NULL.
-- A cleared state keeps its row with a NULL payload so the version keeps counting.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    Version                INTEGER NOT NULL
);

-- Uniqueness is what makes a racing first write fail cleanly (ON CONFLICT DO NOTHING, no row,
-- InconsistentStateException). SQLite treats NULLs in a unique index as distinct, so the
-- "no extension" case gets its own partial index instead of sharing one with NULLs in it.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Key ON OrleansStorage
    (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
    WHERE GrainIdExtensionString IS NOT NULL;

CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_KeyNoExtension ON OrleansStorage
    (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString)
    WHERE GrainIdExtensionString IS NULL;

-- Columns are read by name (PayloadBinary, Version); a NULL payload means "no record".
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, ModifiedOn, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
    AND GrainTypeHash = @GrainTypeHash
    AND ServiceId = @ServiceId
    AND GrainIdN0 = @GrainIdN0
    AND GrainIdN1 = @GrainIdN1
    AND GrainTypeString = @GrainTypeString
    AND GrainIdExtensionString IS @GrainIdExtensionString
');

-- A known version may only update the row carrying exactly that version; an unknown (NULL)
-- version may only create a row that does not exist yet, cleared or not. Any other case
-- returns no row, which Orleans turns into InconsistentStateException. The two statements are
-- mutually exclusive, so at most one row comes back. The INSERT needs its WHERE clause anyway:
-- without one SQLite would parse ON CONFLICT as a join constraint.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = @PayloadBinary, ModifiedOn = CURRENT_TIMESTAMP, Version = Version + 1
WHERE GrainIdHash = @GrainIdHash
    AND GrainTypeHash = @GrainTypeHash
    AND ServiceId = @ServiceId
    AND GrainIdN0 = @GrainIdN0
    AND GrainIdN1 = @GrainIdN1
    AND GrainTypeString = @GrainTypeString
    AND GrainIdExtensionString IS @GrainIdExtensionString
    AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;

INSERT INTO OrleansStorage
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
     GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
       @GrainIdExtensionString, @ServiceId, @PayloadBinary, CURRENT_TIMESTAMP, 1
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING Version AS NewGrainStateVersion;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = CURRENT_TIMESTAMP, Version = Version + 1
WHERE GrainIdHash = @GrainIdHash
    AND GrainTypeHash = @GrainTypeHash
    AND ServiceId = @ServiceId
    AND GrainIdN0 = @GrainIdN0
    AND GrainIdN1 = @GrainIdN1
    AND GrainTypeString = @GrainTypeString
    AND GrainIdExtensionString IS @GrainIdExtensionString
    AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion
');

-- Used instead of ClearStorageKey when DeleteStateOnClear is set. Orleans only checks that
-- the value differs from the grain's etag (it then forgets the etag), hence Version + 1.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
    AND GrainTypeHash = @GrainTypeHash
    AND ServiceId = @ServiceId
    AND GrainIdN0 = @GrainIdN0
    AND GrainIdN1 = @GrainIdN1
    AND GrainTypeString = @GrainTypeString
    AND GrainIdExtensionString IS @GrainIdExtensionString
    AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion
');

------------------------------------------------------------------------------------------------
-- Reminders
------------------------------------------------------------------------------------------------

-- GrainHash is the grain's uint32 uniform hash reinterpreted as a signed int, so range reads
-- compare in signed order, as the provider expects when choosing between the two range queries.
-- StartTime holds the provider's UTC DateTime as Microsoft.Data.Sqlite text.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    TEXT    NOT NULL,
    GrainId      TEXT    NOT NULL,
    ReminderName TEXT    NOT NULL,
    StartTime    TEXT    NOT NULL,
    Period       INTEGER NOT NULL,
    GrainHash    INTEGER NOT NULL,
    Version      INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_GrainHash
    ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
');

-- Chosen when BeginHash < EndHash (signed): the range (Begin, End] does not wrap.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
    AND GrainHash > @BeginHash
    AND GrainHash <= @EndHash
');

-- Chosen otherwise: the range wraps past the top, and Begin = End means the whole ring.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
    AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)
');

-- Upserts are unconditional (last writer wins); the returned Version is the new etag.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', '
INSERT INTO OrleansRemindersTable
    (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
SET StartTime = excluded.StartTime,
    Period = excluded.Period,
    GrainHash = excluded.GrainHash,
    Version = Version + 1
RETURNING Version
');

-- The provider always reads exactly one value (non-zero = removed); RETURNING alone would
-- yield no row when the etag is stale, so report changes() from a second statement.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', '
DELETE FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId
    AND GrainId = @GrainId
    AND ReminderName = @ReminderName
    AND Version = @Version;

SELECT changes() AS Deleted;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', '
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId
');
