CREATE INDEX notes_owner_created ON notes (owner_id, created_at);
CREATE INDEX notes_lower_title ON notes (lower(title));
