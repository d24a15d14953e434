CREATE INDEX users_org_name_idx ON users (org_id, name);
CREATE UNIQUE INDEX users_lower_email_idx ON users (lower(email));
CREATE INDEX orders_open_idx ON orders (created_at) WHERE status = 'open';
