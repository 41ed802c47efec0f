CREATE TABLE `addon_codes` (
	`addon` text NOT NULL,
	`primary_code` text NOT NULL,
	`aoc_type` text NOT NULL,
	PRIMARY KEY(`addon`, `primary_code`)
);
--> statement-breakpoint
CREATE TABLE `adjustments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`remittance_claim_id` integer NOT NULL,
	`line_number` integer,
	`group_code` text NOT NULL,
	`reason_code` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`units` integer,
	`remark_codes` text
);
--> statement-breakpoint
CREATE INDEX `adjust_rc` ON `adjustments` (`remittance_claim_id`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`severity` text NOT NULL,
	`message` text NOT NULL,
	`started_at` integer NOT NULL,
	`cleared_at` integer
);
--> statement-breakpoint
CREATE INDEX `alert_open` ON `alerts` (`key`,`cleared_at`);--> statement-breakpoint
CREATE TABLE `audit_checkpoints` (
	`seq` integer PRIMARY KEY NOT NULL,
	`head_hash` text NOT NULL,
	`ts` integer NOT NULL,
	`signature` text NOT NULL,
	`key_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`actor` text NOT NULL,
	`event` text NOT NULL,
	`entity_type` text,
	`entity_id` text,
	`detail` text NOT NULL,
	`source` text,
	`outcome` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `batch_claims` (
	`batch_id` integer NOT NULL,
	`claim_id` integer NOT NULL,
	`st_control` text NOT NULL,
	PRIMARY KEY(`batch_id`, `claim_id`)
);
--> statement-breakpoint
CREATE INDEX `batch_claims_claim` ON `batch_claims` (`claim_id`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transport` text NOT NULL,
	`isa_control` integer NOT NULL,
	`gs_control` integer NOT NULL,
	`file_name` text NOT NULL,
	`content` text NOT NULL,
	`claim_count` integer NOT NULL,
	`test_mode` integer NOT NULL,
	`status` text NOT NULL,
	`remote_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`ack_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`parked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_isa_control_unique` ON `batches` (`isa_control`);--> statement-breakpoint
CREATE UNIQUE INDEX `batches_file_name_unique` ON `batches` (`file_name`);--> statement-breakpoint
CREATE INDEX `batch_status` ON `batches` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `charge_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`encounter_id` integer NOT NULL,
	`patient_id` integer NOT NULL,
	`date_of_service` text NOT NULL,
	`code` text NOT NULL,
	`modifiers` text DEFAULT '' NOT NULL,
	`units` integer NOT NULL,
	`charge_cents` integer NOT NULL,
	`place_of_service` text NOT NULL,
	`rendering_npi` text NOT NULL,
	`authorization` text,
	`diagnosis_pointers` text DEFAULT '' NOT NULL,
	`tooth` text,
	`surfaces` text,
	`area` text,
	`status` text DEFAULT 'open' NOT NULL,
	`claim_id` integer
);
--> statement-breakpoint
CREATE INDEX `charge_encounter` ON `charge_items` (`encounter_id`);--> statement-breakpoint
CREATE INDEX `charge_dup` ON `charge_items` (`patient_id`,`date_of_service`,`code`);--> statement-breakpoint
CREATE TABLE `claim_lines` (
	`claim_id` integer NOT NULL,
	`line_number` integer NOT NULL,
	`code` text NOT NULL,
	`modifiers` text DEFAULT '' NOT NULL,
	`units` integer NOT NULL,
	`charge_cents` integer NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`date_of_service` text NOT NULL,
	PRIMARY KEY(`claim_id`, `line_number`)
);
--> statement-breakpoint
CREATE TABLE `claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pcn` text NOT NULL,
	`encounter_id` integer NOT NULL,
	`patient_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`frequency` text DEFAULT '1' NOT NULL,
	`original_claim_id` integer,
	`payer_claim_number` text,
	`payer_id` text NOT NULL,
	`total_charge_cents` integer NOT NULL,
	`paid_cents` integer DEFAULT 0 NOT NULL,
	`patient_resp_cents` integer DEFAULT 0 NOT NULL,
	`document` text NOT NULL,
	`scrub` text,
	`clearinghouse_claim_id` text,
	`draft_at` integer NOT NULL,
	`ready_at` integer,
	`submitted_at` integer,
	`accepted_at` integer,
	`rejected_at` integer,
	`paid_at` integer,
	`denied_at` integer,
	`closed_at` integer,
	`updated_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`parked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claims_pcn_unique` ON `claims` (`pcn`);--> statement-breakpoint
CREATE INDEX `claim_status` ON `claims` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `claim_encounter` ON `claims` (`encounter_id`);--> statement-breakpoint
CREATE TABLE `clearinghouse_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transport` text NOT NULL,
	`remote_id` text NOT NULL,
	`kind` text NOT NULL,
	`content` text NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	`status` text DEFAULT 'new' NOT NULL,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`parked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `response_remote` ON `clearinghouse_responses` (`transport`,`kind`,`remote_id`);--> statement-breakpoint
CREATE INDEX `response_status` ON `clearinghouse_responses` (`status`);--> statement-breakpoint
CREATE TABLE `code_set_imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`file_name` text NOT NULL,
	`effective_from` text NOT NULL,
	`effective_to` text,
	`rows` integer NOT NULL,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `code_tables` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`table_name` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`effective_from` text DEFAULT '0000-01-01' NOT NULL,
	`effective_to` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `code_table_key` ON `code_tables` (`table_name`,`key`);--> statement-breakpoint
CREATE TABLE `counters` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `coverages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`patient_id` integer NOT NULL,
	`encounter_id` integer NOT NULL,
	`ord` integer NOT NULL,
	`payer_id` text NOT NULL,
	`member_id` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `coverage_encounter` ON `coverages` (`encounter_id`);--> statement-breakpoint
CREATE TABLE `cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `diagnoses` (
	`encounter_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`code` text NOT NULL,
	PRIMARY KEY(`encounter_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `encounters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_system` text NOT NULL,
	`visit_number` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`superseded_by` integer,
	`kind` text NOT NULL,
	`patient_id` integer NOT NULL,
	`inbound_id` integer,
	`date_of_service` text NOT NULL,
	`status` text NOT NULL,
	`input` text NOT NULL,
	`coded` text,
	`review` text,
	`scrub` text,
	`correction_needed` integer DEFAULT false NOT NULL,
	`finalized_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`coded_at` integer,
	`needs_review_at` integer,
	`scrubbed_at` integer,
	`claimed_at` integer,
	`updated_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`parked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `encounter_visit_version` ON `encounters` (`source_system`,`visit_number`,`version`);--> statement-breakpoint
CREATE INDEX `encounter_status` ON `encounters` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `encounter_patient` ON `encounters` (`patient_id`);--> statement-breakpoint
CREATE TABLE `finalizations` (
	`source_system` text NOT NULL,
	`visit_number` text NOT NULL,
	`finalized_at` integer NOT NULL,
	`inbound_id` integer NOT NULL,
	PRIMARY KEY(`source_system`, `visit_number`)
);
--> statement-breakpoint
CREATE TABLE `hcpcs_codes` (
	`code` text NOT NULL,
	`short_desc` text NOT NULL,
	`long_desc` text NOT NULL,
	`add_date` text,
	`term_date` text,
	`effective_from` text NOT NULL,
	PRIMARY KEY(`code`, `effective_from`)
);
--> statement-breakpoint
CREATE TABLE `icd10_codes` (
	`code` text NOT NULL,
	`billable` integer NOT NULL,
	`short_desc` text NOT NULL,
	`long_desc` text NOT NULL,
	`effective_from` text NOT NULL,
	`effective_to` text,
	PRIMARY KEY(`code`, `effective_from`)
);
--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`sender` text NOT NULL,
	`control_id` text,
	`content_hash` text NOT NULL,
	`message_type` text,
	`raw` blob NOT NULL,
	`received_at` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`encounter_id` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_sender_control` ON `inbound_messages` (`sender`,`control_id`);--> statement-breakpoint
CREATE INDEX `inbound_hash` ON `inbound_messages` (`content_hash`);--> statement-breakpoint
CREATE INDEX `inbound_received` ON `inbound_messages` (`received_at`);--> statement-breakpoint
CREATE TABLE `mue_values` (
	`code` text NOT NULL,
	`value` integer NOT NULL,
	`adjudication_indicator` text NOT NULL,
	`effective_from` text NOT NULL,
	`effective_to` text,
	PRIMARY KEY(`code`, `effective_from`)
);
--> statement-breakpoint
CREATE TABLE `ncci_ptp` (
	`column1` text NOT NULL,
	`column2` text NOT NULL,
	`effective_date` text NOT NULL,
	`deletion_date` text,
	`modifier_indicator` text NOT NULL,
	PRIMARY KEY(`column1`, `column2`, `effective_date`)
);
--> statement-breakpoint
CREATE TABLE `patients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mrn` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patients_mrn_unique` ON `patients` (`mrn`);--> statement-breakpoint
CREATE TABLE `payers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`payer_id` text NOT NULL,
	`name` text NOT NULL,
	`timely_filing_days` integer DEFAULT 365 NOT NULL,
	`filing_indicator` text DEFAULT 'CI' NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payers_payer_id_unique` ON `payers` (`payer_id`);--> statement-breakpoint
CREATE TABLE `providers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`npi` text NOT NULL,
	`last_name` text NOT NULL,
	`first_name` text,
	`taxonomy` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `providers_npi_unique` ON `providers` (`npi`);--> statement-breakpoint
CREATE TABLE `remittance_claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`remittance_id` integer NOT NULL,
	`claim_id` integer,
	`pcn` text NOT NULL,
	`status_code` text NOT NULL,
	`charge_cents` integer NOT NULL,
	`paid_cents` integer NOT NULL,
	`patient_resp_cents` integer NOT NULL,
	`payer_claim_number` text,
	`posted_at` integer
);
--> statement-breakpoint
CREATE INDEX `remit_claim_claim` ON `remittance_claims` (`claim_id`);--> statement-breakpoint
CREATE INDEX `remit_claim_remit` ON `remittance_claims` (`remittance_id`);--> statement-breakpoint
CREATE TABLE `remittances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`response_id` integer NOT NULL,
	`payer_id` text,
	`check_number` text NOT NULL,
	`payment_cents` integer NOT NULL,
	`payment_date` text,
	`status` text NOT NULL,
	`problems` text,
	`received_at` integer NOT NULL,
	`approved_by` text,
	`posted_at` integer
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text DEFAULT 'biller' NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `work_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` integer NOT NULL,
	`category` text,
	`reasons` text NOT NULL,
	`suggested_action` text,
	`assignee` text,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `work_open` ON `work_items` (`kind`,`status`);