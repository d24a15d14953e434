DROP INDEX members_handle_idx;
