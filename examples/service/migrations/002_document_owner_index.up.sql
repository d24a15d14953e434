CREATE INDEX documents_owner_id_idx ON documents (owner_id);
