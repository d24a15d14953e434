CREATE INDEX accounts_region_plan_idx ON accounts (region, plan);
