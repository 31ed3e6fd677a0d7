import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

/**
 * The schema's history, oldest first. Kysely's Migrator applies what a database lacks at
 * start-up (under its lock, so replicas starting together apply each once), the same on PGlite
 * and on Postgres. Never edit a migration that has shipped: add the next one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const MIGRATIONS: Record<string, Migration> = {
  '0001-ledger-feedback-snooze-replay': {
    async up(db: Db) {
      await db.schema
        .createTable('ledger_card')
        .addColumn('card_uuid', 'text', (c) => c.primaryKey())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('hook', 'text', (c) => c.notNull())
        .addColumn('hook_instance', 'text', (c) => c.notNull())
        .addColumn('rule_ids', sql`text[]`, (c) => c.notNull())
        .addColumn('rule_key', 'text', (c) => c.notNull())
        .addColumn('indicator', 'text', (c) => c.notNull())
        .addColumn('patient_key', 'text', (c) => c.notNull())
        .addColumn('user_key', 'text')
        .addColumn('shown_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ledger_card_shown_at').on('ledger_card').column('shown_at').execute();
      await db.schema
        .createTable('ledger_suggestion')
        .addColumn('suggestion_uuid', 'text', (c) => c.primaryKey())
        .addColumn('card_uuid', 'text', (c) => c.notNull().references('ledger_card.card_uuid').onDelete('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ledger_suggestion_card').on('ledger_suggestion').column('card_uuid').execute();
      await db.schema
        .createTable('feedback')
        .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('card_uuid', 'text', (c) => c.notNull())
        .addColumn('matched', 'boolean', (c) => c.notNull())
        .addColumn('unmatched_reason', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('override_system', 'text')
        .addColumn('override_code', 'text')
        .addColumn('comment_length', 'integer')
        .addColumn('accepted_suggestions', sql`text[]`, (c) => c.notNull())
        .addColumn('outcome_at', 'timestamptz', (c) => c.notNull())
        .addColumn('received_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feedback_card').on('feedback').column('card_uuid').execute();
      await db.schema.createIndex('feedback_received_at').on('feedback').column('received_at').execute();
      await db.schema
        .createTable('snooze')
        .addColumn('patient_key', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('rule_key', 'text', (c) => c.notNull())
        .addColumn('until', 'timestamptz', (c) => c.notNull())
        .addColumn('reason_code', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('snooze_pk', ['patient_key', 'service', 'rule_key'])
        .execute();
      await db.schema
        .createTable('jwt_replay')
        .addColumn('token_key', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jwt_replay_expires_at').on('jwt_replay').column('expires_at').execute();
    },
    async down(db: Db) {
      for (const t of ['jwt_replay', 'snooze', 'feedback', 'ledger_suggestion', 'ledger_card']) await db.schema.dropTable(t).ifExists().execute();
    },
  },
  // A snooze named a rule, so overriding one problem hid every later problem of that rule for the patient
  // (a dose warning on one order hid the warning on a twice-higher dose). It now names the problem as the
  // card stated it; snoozes written before name none and match nothing (they lapse within SNOOZE_DAYS).
  '0002-snooze-by-problem': {
    async up(db: Db) {
      await db.schema.alterTable('ledger_card').addColumn('problem_key', 'text').execute();
      await db.schema
        .alterTable('snooze')
        .addColumn('problem_key', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('snooze').dropConstraint('snooze_pk').execute();
      await db.schema.alterTable('snooze').addPrimaryKeyConstraint('snooze_pk', ['patient_key', 'service', 'rule_key', 'problem_key']).execute();
    },
    async down(db: Db) {
      await db.deleteFrom('snooze').where('problem_key', '!=', '').execute();
      await db.schema.alterTable('snooze').dropConstraint('snooze_pk').execute();
      await db.schema.alterTable('snooze').addPrimaryKeyConstraint('snooze_pk', ['patient_key', 'service', 'rule_key']).execute();
      await db.schema.alterTable('snooze').dropColumn('problem_key').execute();
      await db.schema.alterTable('ledger_card').dropColumn('problem_key').execute();
    },
  },
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
