// Registry 009 (issue 13 §3): patient-completed questionnaires by link (ePRO) and the reminder outbox.
//
// epro_invitation: one link per patient-visit (patient, timepoint). Only the SHA-256 of the link's secret is
// stored (token_hash; the audit trigger leaves it out of the trail like every other secret). A link works
// once (used_at), until expires_at, unless revoked (revoked_at: a newer link for the same visit replaces
// it). Audited like accounts (no reason needed for a change); the patient's submission itself is audited
// on the visit and score rows, with the link as the actor (src/store/epro.ts).
//
// epro_outbox: the messages waiting to be sent (invitations and reminders). It holds the only plaintext
// copy of a link and the recipient's address, so it is NOT audited (the append-only trail would keep both
// for ever). The body (with the link) is erased once sent; the address is kept for the reminders of that
// visit and erased when its questionnaire is completed or the link stops working.
export const epro009 = `
CREATE TABLE epro_invitation (
  id bigserial PRIMARY KEY,
  patient_id bigint NOT NULL,
  site_id integer NOT NULL,
  timepoint text NOT NULL,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  visit_id bigint REFERENCES followup_visit(id),
  revoked_at timestamptz,
  reminders integer NOT NULL DEFAULT 0,
  last_reminded_at timestamptz,
  config_version text NOT NULL,
  FOREIGN KEY (patient_id, site_id) REFERENCES patient (id, site_id),
  CHECK (expires_at > created_at)
);
CREATE INDEX epro_invitation_patient_idx ON epro_invitation (patient_id, timepoint);
CREATE INDEX epro_invitation_open_idx ON epro_invitation (site_id) WHERE used_at IS NULL AND revoked_at IS NULL;
CREATE TRIGGER epro_invitation_audit AFTER INSERT OR UPDATE OR DELETE ON epro_invitation FOR EACH ROW EXECUTE FUNCTION registry_audit('account');

CREATE TABLE epro_outbox (
  id bigserial PRIMARY KEY,
  invitation_id bigint NOT NULL REFERENCES epro_invitation(id),
  site_id integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('invitation', 'reminder')),
  recipient text CHECK (length(recipient) <= 320),
  subject text NOT NULL CHECK (length(subject) <= 200),
  body text CHECK (length(body) <= 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  CHECK (sent_at IS NULL OR body IS NULL)
);
CREATE INDEX epro_outbox_pending_idx ON epro_outbox (id) WHERE sent_at IS NULL;
`;
