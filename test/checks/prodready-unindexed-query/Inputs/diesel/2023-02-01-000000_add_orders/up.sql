CREATE INDEX members_handle_idx ON members (handle);
