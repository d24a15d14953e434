ALTER TABLE accounts RENAME COLUMN tier TO plan;
DROP INDEX accounts_login_idx;
