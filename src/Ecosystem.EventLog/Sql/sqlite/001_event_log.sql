-- The append-only event log (its own database file, so grain snapshots never wait on log appends).
-- Applied idempotently at every start-up.
CREATE TABLE IF NOT EXISTS eco_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id       TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    occurred_at    TEXT    NOT NULL,
    accepted_at    TEXT    NOT NULL,
    deal_id        TEXT,
    partner_id     TEXT,
    lead_id        TEXT,
    account_id     TEXT,
    integration_id TEXT,
    payload        TEXT    NOT NULL,
    meta           TEXT
);
CREATE INDEX IF NOT EXISTS eco_events_deal ON eco_events (deal_id, seq) WHERE deal_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS eco_events_partner ON eco_events (partner_id, seq) WHERE partner_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS eco_events_lead ON eco_events (lead_id, seq) WHERE lead_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS eco_events_account ON eco_events (account_id, seq) WHERE account_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS eco_events_integration ON eco_events (integration_id, seq) WHERE integration_id IS NOT NULL;
