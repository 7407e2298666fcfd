-- Follow-ups (issue 21): an exchange or a shortlist entry may carry « À relancer le »
-- (an ISO date), who should do it (a member's name) and the next step; done_at is when
-- it was done (the follow-up is then recorded as an exchange). Columns rather than a
-- table of their own: the rows they belong to already have their history, undo, merge,
-- trash, erasure and sync.
ALTER TABLE exchanges ADD COLUMN followup_on TEXT;
ALTER TABLE exchanges ADD COLUMN followup_by TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN next_step TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN followup_done_at TEXT;
ALTER TABLE call_entries ADD COLUMN followup_on TEXT;
ALTER TABLE call_entries ADD COLUMN followup_by TEXT NOT NULL DEFAULT '';
ALTER TABLE call_entries ADD COLUMN next_step TEXT NOT NULL DEFAULT '';
ALTER TABLE call_entries ADD COLUMN followup_done_at TEXT;
-- The follow-up a shortlist entry becoming « contacté » proposes, in days.
ALTER TABLE calls ADD COLUMN followup_days INTEGER NOT NULL DEFAULT 7;

-- Pending follow-ups only: what the « Suivi » facet, the « Relances » list and the
-- start-up count read.
CREATE INDEX exchanges_followup ON exchanges (followup_on, actor_id)
    WHERE followup_on IS NOT NULL AND followup_done_at IS NULL;
CREATE INDEX call_entries_followup ON call_entries (followup_on, actor_id)
    WHERE followup_on IS NOT NULL AND followup_done_at IS NULL;
