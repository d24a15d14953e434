DROP TABLE documents;
DROP TABLE users;
