DROP INDEX documents_owner_id_idx;
