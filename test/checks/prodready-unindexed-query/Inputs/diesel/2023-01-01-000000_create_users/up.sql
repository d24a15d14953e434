CREATE TABLE members (id serial PRIMARY KEY, handle text NOT NULL, team text);
