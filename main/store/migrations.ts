import type { Db } from './database.ts';

/**
 * Numbered migrations: entry N brings the schema from version N-1 to N.
 * Never edit a released entry; append a new one.
 */
export const migrations: ((db: Db) => void)[] = [
  // 1: integrations, their connection tests, app settings
  (db) => {
    db.exec(`
      CREATE TABLE integrations (
        id           TEXT PRIMARY KEY,
        connector    TEXT NOT NULL,
        name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        enabled      INTEGER NOT NULL DEFAULT 1,
        settings     TEXT NOT NULL,
        secrets_set  TEXT NOT NULL DEFAULT '[]',
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      );
      CREATE TABLE connection_tests (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        at             TEXT NOT NULL,
        ok             INTEGER NOT NULL,
        result         TEXT NOT NULL
      );
      CREATE INDEX connection_tests_by_integration ON connection_tests(integration_id, id);
      CREATE TABLE app_settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
  // 2: sync runs, run logs, stream state, the mirror with its FTS5 index, schedules
  (db) => {
    db.exec(`
      ALTER TABLE integrations ADD COLUMN schedule TEXT;
      ALTER TABLE integrations ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE sync_runs (
        id             TEXT PRIMARY KEY,
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        trigger        TEXT NOT NULL,
        status         TEXT NOT NULL,
        started_at     TEXT NOT NULL,
        ended_at       TEXT,
        added          INTEGER NOT NULL DEFAULT 0,
        updated        INTEGER NOT NULL DEFAULT 0,
        unchanged      INTEGER NOT NULL DEFAULT 0,
        deleted        INTEGER NOT NULL DEFAULT 0,
        failed         INTEGER NOT NULL DEFAULT 0,
        requests       INTEGER NOT NULL DEFAULT 0,
        bytes          INTEGER NOT NULL DEFAULT 0,
        pages          INTEGER NOT NULL DEFAULT 0,
        error_code     TEXT,
        error_message  TEXT,
        error_action   TEXT,
        retry_at       TEXT
      );
      CREATE INDEX sync_runs_by_integration ON sync_runs(integration_id, started_at);
      CREATE INDEX sync_runs_by_start ON sync_runs(started_at);
      CREATE INDEX sync_runs_by_status ON sync_runs(status);

      CREATE TABLE run_logs (
        run_id  TEXT NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        at      TEXT NOT NULL,
        level   TEXT NOT NULL,
        stream  TEXT,
        message TEXT NOT NULL,
        fields  TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE stream_state (
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        stream         TEXT NOT NULL,
        state          TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        PRIMARY KEY (integration_id, stream)
      ) WITHOUT ROWID;

      CREATE TABLE records (
        id             INTEGER PRIMARY KEY,
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        stream         TEXT NOT NULL,
        external_id    TEXT NOT NULL,
        source         TEXT NOT NULL,
        kind           TEXT NOT NULL,
        container      TEXT,
        title          TEXT NOT NULL,
        url            TEXT,
        status         TEXT,
        author         TEXT,
        updated_at     TEXT,
        text           TEXT NOT NULL,
        raw            TEXT NOT NULL,
        hash           TEXT NOT NULL,
        synced_at      TEXT NOT NULL,
        UNIQUE (integration_id, stream, external_id)
      );
      CREATE INDEX records_by_kind ON records(source, kind, updated_at);
      CREATE INDEX records_by_updated ON records(updated_at);

      CREATE VIRTUAL TABLE records_fts USING fts5(
        title, text, content='records', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER records_ai AFTER INSERT ON records BEGIN
        INSERT INTO records_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
      END;
      CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
        INSERT INTO records_fts(records_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
      END;
      CREATE TRIGGER records_au AFTER UPDATE OF title, text ON records BEGIN
        INSERT INTO records_fts(records_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO records_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
      END;
    `);
  },
  // 3: Nova Act automations, their runs and steps, the SDK setup; records may belong to an automation
  (db) => {
    db.exec(`
      CREATE TABLE automations (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        definition  TEXT NOT NULL,
        enabled     INTEGER NOT NULL DEFAULT 1,
        paused      INTEGER NOT NULL DEFAULT 0,
        schedule    TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE automation_runs (
        id              TEXT PRIMARY KEY,
        automation_id   TEXT NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
        automation_name TEXT NOT NULL,
        trigger         TEXT NOT NULL,
        status          TEXT NOT NULL,
        started_at      TEXT NOT NULL,
        ended_at        TEXT,
        artifacts_dir   TEXT NOT NULL,
        session_id      TEXT,
        python_version  TEXT,
        sdk_version     TEXT,
        records_saved   INTEGER NOT NULL DEFAULT 0,
        error           TEXT,
        owner_pid       INTEGER
      );
      CREATE INDEX automation_runs_by_automation ON automation_runs(automation_id, started_at);
      CREATE INDEX automation_runs_by_start ON automation_runs(started_at);
      CREATE TABLE automation_steps (
        run_id  TEXT NOT NULL REFERENCES automation_runs(id) ON DELETE CASCADE,
        idx     INTEGER NOT NULL,
        status  TEXT NOT NULL,
        result  TEXT NOT NULL,
        PRIMARY KEY (run_id, idx)
      ) WITHOUT ROWID;
      CREATE TABLE nova_act_config (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
    // Extracted data lands in the mirror under the automation's id, so records.integration_id
    // can no longer reference integrations only. SQLite cannot drop a constraint: the table is
    // rebuilt from its own current definition (whatever columns, indexes and triggers it has by
    // now) minus the REFERENCES clause; ids are kept, so the FTS index stays valid. Triggers
    // take over the cascades, for integrations and automations alike.
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'records'").get() as { sql: string };
    const dependents = db.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'records' AND type IN ('index', 'trigger') AND sql IS NOT NULL").all() as { sql: string }[];
    const relaxed = table.sql
      .replace(/^CREATE TABLE\s+"?records"?/i, 'CREATE TABLE records_relaxed')
      .replace(/\s+REFERENCES\s+integrations\s*\(\s*id\s*\)(\s+ON\s+DELETE\s+CASCADE)?/i, '');
    db.exec(relaxed);
    db.exec('INSERT INTO records_relaxed SELECT * FROM records');
    db.exec('DROP TABLE records');
    db.exec('ALTER TABLE records_relaxed RENAME TO records');
    for (const d of dependents) db.exec(d.sql);
    db.exec(`
      CREATE TRIGGER integrations_delete_records AFTER DELETE ON integrations BEGIN
        DELETE FROM records WHERE integration_id = old.id;
      END;
      CREATE TRIGGER automations_delete_records AFTER DELETE ON automations BEGIN
        DELETE FROM records WHERE integration_id = old.id;
      END;
    `);
  },
  // 4: which process runs a sync, so a second process (CLI beside the app) never marks a live run interrupted
  (db) => {
    db.exec(`ALTER TABLE sync_runs ADD COLUMN owner_pid INTEGER;`);
  },
  // 5: search that stays fast over a large mirror (see records-search.ts). The full-text index
  // gains prefix indexes of 1 to 3 characters: search takes the last word as a prefix, and a short
  // one otherwise merges the doclists of every word it starts, on every query ("l" alone: ~40 ms
  // over 100,000 records). It holds no data of its own (external content), so it is rebuilt from
  // records; the records triggers refer to it by name and keep working. A vocabulary view of it
  // turns a longer prefix into the few words it stands for; a narrow index lets a filtered search
  // check each match without reading the record's row (which carries the raw JSON).
  (db) => {
    db.exec(`
      DROP TABLE records_fts;
      CREATE VIRTUAL TABLE records_fts USING fts5(
        title, text, content='records', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
      );
      INSERT INTO records_fts(records_fts) VALUES ('rebuild');
      CREATE VIRTUAL TABLE records_fts_vocab USING fts5vocab(records_fts, 'row');
      CREATE INDEX records_search_filter ON records(id, integration_id, source, kind, updated_at);
    `);
  },
];
