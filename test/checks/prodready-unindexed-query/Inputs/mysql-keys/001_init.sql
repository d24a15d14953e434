-- A mysqldump-style schema: indexes declared inside CREATE TABLE.
CREATE TABLE `customers` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(255) NOT NULL,
  `region` CHAR(2) NOT NULL,
  `last_name` VARCHAR(100),
  `bio` TEXT,
  PRIMARY KEY (`id`),
  UNIQUE KEY `customers_email_uq` (`email`),
  KEY `customers_region_name` (`region`, `last_name`(20)),
  FULLTEXT KEY `customers_bio_ft` (`bio`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `invoices` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `customer_id` INT UNSIGNED NOT NULL,
  `state` VARCHAR(16) NOT NULL,
  `total` INT,
  PRIMARY KEY (`id`),
  INDEX (`state`) USING BTREE
) ENGINE=InnoDB;
