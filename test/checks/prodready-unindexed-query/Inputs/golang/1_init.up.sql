CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  name text,
  org_id integer,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
