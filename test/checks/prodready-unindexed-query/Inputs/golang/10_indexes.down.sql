DROP INDEX users_org_name_idx;
DROP INDEX users_lower_email_idx;
