CREATE UNIQUE INDEX accounts_login_idx ON accounts (login);
