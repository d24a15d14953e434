ALTER TABLE `invoices` ADD KEY `invoices_customer_idx` (`customer_id`), ADD COLUMN `paid_at` DATETIME;
ALTER TABLE invoices DROP INDEX state;
