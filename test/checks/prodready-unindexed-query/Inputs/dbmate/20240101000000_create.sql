-- migrate:up
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, payload text, at timestamptz);
CREATE INDEX events_kind_at_idx ON events (kind, at);

-- migrate:down
DROP TABLE events;
