-- +goose Up
CREATE INDEX items_title_pattern_idx ON items (title text_pattern_ops);

-- +goose Down
DROP INDEX items_title_pattern_idx;
