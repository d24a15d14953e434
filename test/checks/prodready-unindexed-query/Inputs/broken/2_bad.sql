CREATE INDEX things_name_idx ON things (name);

CREATE TABLE oops (id int,, name text);
