-- The append-only event log: every accepted activity event, once (event_id is unique forever).
-- Applied idempotently at every start-up under the schema advisory lock.
CREATE TABLE IF NOT EXISTS eco_events (
    seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       text        NOT NULL,
    type           text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    accepted_at    timestamptz NOT NULL,
    deal_id        text,
    partner_id     text,
    lead_id        text,
    account_id     text,
    integration_id text,
    payload        text        NOT NULL,
    -- What the engine decided when it accepted the event (a registration's status), so a replay decides the same.
    meta           text,
    CONSTRAINT eco_events_event_id UNIQUE (event_id)
);
-- Each entity's history is read by key in log order (grain catch-up, audit queries).
CREATE INDEX IF NOT EXISTS eco_events_deal ON eco_events (deal_id, seq) WHERE deal_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS eco_events_partner ON eco_events (partner_id, seq) WHERE partner_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS eco_events_lead ON eco_events (lead_id, seq) WHERE lead_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS eco_events_account ON eco_events (account_id, seq) WHERE account_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS eco_events_integration ON eco_events (integration_id, seq) WHERE integration_id IS NOT NULL;
