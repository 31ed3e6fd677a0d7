import type { ColumnType, Generated } from 'kysely';

/**
 * The tables, as Kysely sees them. Nothing here holds PHI: patients and users appear only as
 * HMAC-SHA256 pseudonymous keys (src/store/pseudonym.ts), cards by the uuids we issued.
 */
export interface Database {
  /** One row per card returned by a hook call (the card ledger). */
  ledger_card: {
    card_uuid: string;
    service: string;
    hook: string;
    hook_instance: string;
    /** Rule ids behind the card, sorted (e.g. {CI-1}); empty when a card names none. */
    rule_ids: string[];
    /** rule_ids joined with '+': the unit reported. */
    rule_key: string;
    /** The card's summary as a pseudonymous key (patient-view cards): with rule_key, the unit snoozed. Null before 0002. */
    problem_key: string | null;
    indicator: string;
    patient_key: string;
    user_key: string | null;
    shown_at: ColumnType<Date, Date | string, never>;
  };
  /** One row per suggestion offered on a ledger card. */
  ledger_suggestion: {
    suggestion_uuid: string;
    card_uuid: string;
    label: string;
  };
  /** Every feedback item received; matched = the card is in the ledger under this service. */
  feedback: {
    id: Generated<string>;
    service: string;
    card_uuid: string;
    matched: boolean;
    /** Why an item did not match: 'unknown-card' or 'other-service'. */
    unmatched_reason: string | null;
    outcome: string;
    override_system: string | null;
    override_code: string | null;
    /** Length of the clinician's comment; the text itself is never stored. */
    comment_length: number | null;
    accepted_suggestions: string[];
    outcome_at: ColumnType<Date, Date | string, never>;
    received_at: ColumnType<Date, Date | string, never>;
  };
  /** A rule's card stating the same problem hidden for a patient until `until` (non-critical patient-view cards only). */
  snooze: {
    patient_key: string;
    service: string;
    rule_key: string;
    /** The summary's pseudonymous key: another problem of the same rule (a new value, another gap) is not hidden. */
    problem_key: string;
    until: ColumnType<Date, Date | string, Date | string>;
    reason_code: string;
    created_at: ColumnType<Date, Date | string, Date | string>;
  };
  /** JWT ids seen (iss|jti, hashed) until the token expires: replay refused across replicas. */
  jwt_replay: {
    token_key: string;
    expires_at: ColumnType<Date, Date | string, Date | string>;
  };
}
