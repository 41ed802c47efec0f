CREATE TABLE `remittance_lines` (
	`remittance_claim_id` integer NOT NULL,
	`line_number` integer NOT NULL,
	`paid_cents` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `remit_lines_rc` ON `remittance_lines` (`remittance_claim_id`);