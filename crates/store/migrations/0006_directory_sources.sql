-- Schema 6: where imported services come from, so a feed's refresh can say which of
-- its services it no longer lists, and the practice's mapping from feeds' own
-- categories (taxonomy terms) to its categories.

-- A feed the practice subscribes to, or a file (or lineage of files) it imported.
CREATE TABLE directory_sources (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('feed', 'file')),
    label             TEXT NOT NULL,           -- the feed's address or the file's name
    address           TEXT UNIQUE,             -- a feed's base address; NULL for files
    last_imported_at  TEXT,
    last_summary      TEXT,                    -- "819 services: 3 new, 2 changed …"
    created_at        TEXT NOT NULL
);

ALTER TABLE services ADD COLUMN source_id INTEGER REFERENCES directory_sources (id);
-- The service's id in its source (HSDS ids are unique only within one feed).
ALTER TABLE services ADD COLUMN feed_id TEXT;
-- When its source stopped listing it; it is kept, since prescriptions name it.
ALTER TABLE services ADD COLUMN delisted_at TEXT;
-- The feed's own terms for it, as JSON [{"vocabulary","code","name"}].
ALTER TABLE services ADD COLUMN feed_terms TEXT;
CREATE UNIQUE INDEX services_source_feed_id ON services (source_id, feed_id);

-- Services imported before sources were kept belong to one source of their own.
INSERT INTO directory_sources (kind, label, created_at)
SELECT 'file', 'Earlier imports', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE EXISTS (SELECT 1 FROM services WHERE hsds_id IS NOT NULL);
UPDATE services SET source_id = (SELECT MAX(id) FROM directory_sources), feed_id = hsds_id
WHERE hsds_id IS NOT NULL;

-- The practice's choice of category for a feed's term. `category` NULL: not chosen,
-- Waymark's suggestion (or "Uncategorised") applies.
CREATE TABLE category_map (
    term_key     TEXT PRIMARY KEY,            -- folded term name (or code)
    label        TEXT NOT NULL,               -- as shown: "Food Pantries (BD-1800.2000)"
    vocabulary   TEXT NOT NULL DEFAULT '',
    code         TEXT NOT NULL DEFAULT '',    -- the term's code, for Waymark's suggestion
    category     TEXT,
    updated_at   TEXT NOT NULL
);
