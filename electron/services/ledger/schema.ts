// The ledger index schema (SQLite). Everything here is derived from the ledger: dropping the file
// and replaying from block 0 rebuilds it exactly. No patient identifier is stored in clear: patients
// appear only as the chaincode's pseudonyms, records as hashes, identities as certificate
// fingerprints. Amounts are minor units: `*_minor` INTEGER (NULL beyond 64 bits) plus the exact text.

export const SCHEMA_VERSION = 1;

/** Tables whose rows are a pure function of the blocks (compared by the replay tests). */
export const LEDGER_TABLES = [
  'blocks',
  'transactions',
  'config_blocks',
  'chaincode_events',
  'members',
  'records',
  'consents',
  'access_events',
  'claims',
  'adjudications',
  'payments',
  'alerts',
  'fund_transfers',
] as const;
export type LedgerTable = (typeof LEDGER_TABLES)[number];

export const DOMAIN_TABLES = [
  'members',
  'records',
  'consents',
  'access_events',
  'claims',
  'adjudications',
  'payments',
  'alerts',
  'fund_transfers',
] as const satisfies readonly LedgerTable[];

/** Primary-key order for deterministic dumps. */
export const TABLE_ORDER: Record<LedgerTable, string> = {
  blocks: 'number',
  transactions: 'block_number, tx_index',
  config_blocks: 'block_number',
  chaincode_events: 'block_number, tx_index',
  members: 'msp_id',
  records: 'record_id',
  consents: 'consent_id',
  access_events: 'disclosure_id',
  claims: 'claim_id',
  adjudications: 'claim_id',
  payments: 'payment_id',
  alerts: 'alert_id',
  fund_transfers: 'entry_id',
};

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS checkpoint (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  channel         TEXT    NOT NULL,
  next_block      INTEGER NOT NULL,
  last_block_hash TEXT,
  updated_at      TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS blocks (
  number            INTEGER PRIMARY KEY,
  data_hash         TEXT    NOT NULL,
  previous_hash     TEXT    NOT NULL,
  header_hash       TEXT    NOT NULL,
  tx_count          INTEGER NOT NULL,
  valid_tx_count    INTEGER NOT NULL,
  timestamp         TEXT,
  is_config         INTEGER NOT NULL,
  last_config_index INTEGER,
  size_bytes        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS blocks_header_hash ON blocks(header_hash);

CREATE TABLE IF NOT EXISTS transactions (
  block_number        INTEGER NOT NULL REFERENCES blocks(number),
  tx_index            INTEGER NOT NULL,
  tx_id               TEXT    NOT NULL,
  type                TEXT    NOT NULL,
  header_type         INTEGER NOT NULL,
  channel_id          TEXT    NOT NULL,
  timestamp           TEXT,
  creator_msp_id      TEXT,
  creator_fingerprint TEXT,
  validation_code     INTEGER NOT NULL,
  validation_name     TEXT    NOT NULL,
  is_valid            INTEGER NOT NULL,
  chaincode_name      TEXT,
  chaincode_version   TEXT,
  function_name       TEXT,
  endorser_msp_ids    TEXT    NOT NULL,
  read_keys           TEXT    NOT NULL,
  write_keys          TEXT    NOT NULL,
  response_status     INTEGER,
  event_name          TEXT,
  decode_error        TEXT,
  size_bytes          INTEGER NOT NULL,
  PRIMARY KEY (block_number, tx_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS transactions_tx_id ON transactions(tx_id);
CREATE INDEX IF NOT EXISTS transactions_chaincode ON transactions(chaincode_name, function_name);
CREATE INDEX IF NOT EXISTS transactions_creator ON transactions(creator_msp_id, timestamp);
CREATE INDEX IF NOT EXISTS transactions_validation ON transactions(validation_code);

CREATE TABLE IF NOT EXISTS config_blocks (
  block_number    INTEGER PRIMARY KEY REFERENCES blocks(number),
  tx_id           TEXT    NOT NULL,
  config_sequence INTEGER NOT NULL,
  consensus_type  TEXT,
  orderer_msp_ids TEXT    NOT NULL,
  application_msp_ids TEXT NOT NULL,
  capabilities    TEXT    NOT NULL,
  msps            TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS chaincode_events (
  block_number   INTEGER NOT NULL,
  tx_index       INTEGER NOT NULL,
  tx_id          TEXT    NOT NULL,
  chaincode_name TEXT    NOT NULL,
  event_name     TEXT    NOT NULL,
  schema_version INTEGER,
  payload_sha256 TEXT    NOT NULL,
  payload        TEXT,
  projected      INTEGER NOT NULL,
  timestamp      TEXT,
  PRIMARY KEY (block_number, tx_index),
  FOREIGN KEY (block_number, tx_index) REFERENCES transactions(block_number, tx_index)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS chaincode_events_name ON chaincode_events(event_name);
CREATE INDEX IF NOT EXISTS chaincode_events_tx ON chaincode_events(tx_id);

CREATE TABLE IF NOT EXISTS members (
  msp_id        TEXT PRIMARY KEY,
  kind          TEXT,
  display_name  TEXT,
  tx_id         TEXT    NOT NULL,
  block_number  INTEGER NOT NULL,
  registered_at TEXT
);

CREATE TABLE IF NOT EXISTS records (
  record_id                  TEXT PRIMARY KEY,
  version                    INTEGER,
  root_record_id             TEXT,
  previous_version           TEXT,
  patient_pseudonym          TEXT,
  hospital_msp_id            TEXT,
  encounter_type             TEXT,
  admitted_at                TEXT,
  discharged_at              TEXT,
  content_sha256             TEXT,
  diagnosis_tag              TEXT,
  encrypted_diagnosis_sha256 TEXT,
  event_name                 TEXT    NOT NULL,
  tx_id                      TEXT    NOT NULL,
  block_number               INTEGER NOT NULL,
  tx_index                   INTEGER NOT NULL,
  recorded_at                TEXT
);
CREATE INDEX IF NOT EXISTS records_hospital ON records(hospital_msp_id, admitted_at);
CREATE INDEX IF NOT EXISTS records_patient ON records(patient_pseudonym);

CREATE TABLE IF NOT EXISTS consents (
  consent_id        TEXT PRIMARY KEY,
  status            TEXT,
  patient_pseudonym TEXT,
  requester_msp_id  TEXT,
  requester_role    TEXT,
  purpose           TEXT,
  scope             TEXT,
  period_start      TEXT,
  period_end        TEXT,
  requested_at      TEXT,
  updated_at        TEXT,
  last_event        TEXT    NOT NULL,
  last_tx_id        TEXT    NOT NULL,
  block_number      INTEGER NOT NULL,
  tx_index          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS consents_status ON consents(status);
CREATE INDEX IF NOT EXISTS consents_patient ON consents(patient_pseudonym);

CREATE TABLE IF NOT EXISTS access_events (
  disclosure_id     TEXT PRIMARY KEY,
  record_id         TEXT,
  record_version    INTEGER,
  patient_pseudonym TEXT,
  hospital_msp_id   TEXT,
  accessor_msp_id   TEXT,
  accessor_role     TEXT,
  purpose           TEXT,
  basis             TEXT,
  consent_id        TEXT,
  alert_id          TEXT,
  event_name        TEXT    NOT NULL,
  tx_id             TEXT    NOT NULL,
  block_number      INTEGER NOT NULL,
  tx_index          INTEGER NOT NULL,
  accessed_at       TEXT
);
CREATE INDEX IF NOT EXISTS access_events_patient ON access_events(patient_pseudonym, accessed_at);
CREATE INDEX IF NOT EXISTS access_events_accessor ON access_events(accessor_msp_id, basis);

CREATE TABLE IF NOT EXISTS claims (
  claim_id              TEXT PRIMARY KEY,
  record_id             TEXT,
  patient_pseudonym     TEXT,
  hospital_msp_id       TEXT,
  insurer_msp_id        TEXT,
  policy_id             TEXT,
  product_id            TEXT,
  status                TEXT,
  reason_code           TEXT,
  item_count            INTEGER,
  total_submitted       TEXT,
  total_submitted_minor INTEGER,
  total_benefit         TEXT,
  total_benefit_minor   INTEGER,
  filed_at              TEXT,
  filed_month           TEXT,
  adjudicated_at        TEXT,
  paid_at               TEXT,
  updated_at            TEXT,
  filed_tx_id           TEXT,
  last_event            TEXT    NOT NULL,
  last_tx_id            TEXT    NOT NULL,
  block_number          INTEGER NOT NULL,
  tx_index              INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_hospital_month ON claims(hospital_msp_id, filed_month, total_submitted_minor);
CREATE INDEX IF NOT EXISTS claims_month_hospital ON claims(filed_month, hospital_msp_id, total_submitted_minor);
CREATE INDEX IF NOT EXISTS claims_insurer_month ON claims(insurer_msp_id, filed_month);
-- Covers the funnel query (status counts, how many reached adjudication and payment).
CREATE INDEX IF NOT EXISTS claims_funnel ON claims(status, adjudicated_at IS NOT NULL, paid_at IS NOT NULL);
CREATE INDEX IF NOT EXISTS claims_patient ON claims(patient_pseudonym);

CREATE TABLE IF NOT EXISTS adjudications (
  claim_id              TEXT PRIMARY KEY,
  outcome               TEXT,
  covered               INTEGER,
  reason_code           TEXT,
  total_submitted       TEXT,
  total_eligible        TEXT,
  total_deductible      TEXT,
  total_copay           TEXT,
  total_over_limit      TEXT,
  total_benefit         TEXT,
  total_benefit_minor   INTEGER,
  adjudicated_at        TEXT,
  adjudicator_msp_id    TEXT,
  tx_id                 TEXT    NOT NULL,
  block_number          INTEGER NOT NULL,
  tx_index              INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS adjudications_outcome ON adjudications(outcome);

-- One row per claim that is owed (payable) or paid; payment_id = claim_id.
CREATE TABLE IF NOT EXISTS payments (
  payment_id      TEXT PRIMARY KEY,
  claim_id        TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  amount          TEXT,
  amount_minor    INTEGER,
  hospital_msp_id TEXT,
  insurer_msp_id  TEXT,
  entry_id        TEXT,
  settled_at      TEXT,
  settled_month   TEXT,
  tx_id           TEXT    NOT NULL,
  block_number    INTEGER NOT NULL,
  tx_index        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_claim ON payments(claim_id);
CREATE INDEX IF NOT EXISTS payments_month ON payments(status, insurer_msp_id, settled_month, amount_minor);

CREATE TABLE IF NOT EXISTS alerts (
  alert_id          TEXT PRIMARY KEY,
  kind              TEXT,
  rule_id           TEXT,
  severity          TEXT,
  status            TEXT,
  claim_id          TEXT,
  record_id         TEXT,
  patient_pseudonym TEXT,
  hospital_msp_id   TEXT,
  insurer_msp_id    TEXT,
  regulator_msp_id  TEXT,
  params_version    INTEGER,
  raised_at         TEXT,
  resolved_at       TEXT,
  raised_tx_id      TEXT,
  last_event        TEXT    NOT NULL,
  last_tx_id        TEXT    NOT NULL,
  block_number      INTEGER NOT NULL,
  tx_index          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_rule_severity ON alerts(rule_id, severity, status);
CREATE INDEX IF NOT EXISTS alerts_claim ON alerts(claim_id);

CREATE TABLE IF NOT EXISTS fund_transfers (
  entry_id        TEXT PRIMARY KEY,
  kind            TEXT,
  debit_account   TEXT,
  credit_account  TEXT,
  insurer_msp_id  TEXT,
  hospital_msp_id TEXT,
  claim_id        TEXT,
  amount          TEXT,
  amount_minor    INTEGER,
  balance         TEXT,
  posted_at       TEXT,
  event_name      TEXT    NOT NULL,
  tx_id           TEXT    NOT NULL,
  block_number    INTEGER NOT NULL,
  tx_index        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fund_transfers_insurer ON fund_transfers(insurer_msp_id, posted_at);
`;
