"""The engines' own index structures, each created only on its own database.

SQLite: an external-content FTS5 table mirroring discovery_searchentry through triggers. Note
that Django rebuilds a SQLite table for some ALTERs, which drops its triggers: a later migration
that alters SearchEntry must run SQLITE_TRIGGERS again.
PostgreSQL: a generated, weighted tsvector column with a GIN index.
"""

from django.db import migrations

COLUMNS = "headline, summary, body, meta"

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE discovery_fts USING fts5(headline, summary, body, meta,"
    " content='discovery_searchentry', content_rowid='article_id',"
    " tokenize='porter unicode61 remove_diacritics 2')",
]
SQLITE_TRIGGERS = [
    "CREATE TRIGGER discovery_searchentry_ai AFTER INSERT ON discovery_searchentry BEGIN"
    f" INSERT INTO discovery_fts(rowid, {COLUMNS})"
    " VALUES (new.article_id, new.headline, new.summary, new.body, new.meta); END",
    "CREATE TRIGGER discovery_searchentry_ad AFTER DELETE ON discovery_searchentry BEGIN"
    f" INSERT INTO discovery_fts(discovery_fts, rowid, {COLUMNS})"
    " VALUES ('delete', old.article_id, old.headline, old.summary, old.body, old.meta); END",
    "CREATE TRIGGER discovery_searchentry_au AFTER UPDATE ON discovery_searchentry BEGIN"
    f" INSERT INTO discovery_fts(discovery_fts, rowid, {COLUMNS})"
    " VALUES ('delete', old.article_id, old.headline, old.summary, old.body, old.meta);"
    f" INSERT INTO discovery_fts(rowid, {COLUMNS})"
    " VALUES (new.article_id, new.headline, new.summary, new.body, new.meta); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS discovery_searchentry_ai",
    "DROP TRIGGER IF EXISTS discovery_searchentry_ad",
    "DROP TRIGGER IF EXISTS discovery_searchentry_au",
    "DROP TABLE IF EXISTS discovery_fts",
]

POSTGRES_FORWARD = [
    "ALTER TABLE discovery_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('english'::regconfig, headline), 'A')"
    " || setweight(to_tsvector('english'::regconfig, summary), 'B')"
    " || setweight(to_tsvector('english'::regconfig, meta), 'B')"
    " || setweight(to_tsvector('english'::regconfig, body), 'C')) STORED",
    "CREATE INDEX discovery_searchentry_document ON discovery_searchentry USING GIN (document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS discovery_searchentry_document",
    "ALTER TABLE discovery_searchentry DROP COLUMN IF EXISTS document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("discovery", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD + SQLITE_TRIGGERS, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
