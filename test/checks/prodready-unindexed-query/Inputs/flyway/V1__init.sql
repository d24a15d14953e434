CREATE TABLE accounts (id serial PRIMARY KEY, login text NOT NULL, region text, plan text);
CREATE TABLE sessions (token text PRIMARY KEY, account_id int REFERENCES accounts(id), expires_at timestamptz);
