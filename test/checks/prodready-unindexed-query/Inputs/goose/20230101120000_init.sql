-- +goose Up
-- +goose StatementBegin
CREATE TABLE items (id integer PRIMARY KEY, sku text NOT NULL, title text, price integer);
CREATE INDEX items_sku_idx ON items (sku);
-- +goose StatementEnd

-- +goose Down
DROP INDEX items_sku_idx;
DROP TABLE items;
