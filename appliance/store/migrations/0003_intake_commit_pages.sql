PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_encounters` (
	`id` integer PRIMARY KEY NOT NULL,
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
INSERT INTO `__new_encounters`("id", "source_system", "visit_number", "version", "superseded_by", "kind", "patient_id", "inbound_id", "date_of_service", "status", "input", "coded", "review", "scrub", "correction_needed", "finalized_at", "received_at", "coded_at", "needs_review_at", "scrubbed_at", "claimed_at", "updated_at", "attempts", "next_attempt_at", "last_error", "parked_at") SELECT "id", "source_system", "visit_number", "version", "superseded_by", "kind", "patient_id", "inbound_id", "date_of_service", "status", "input", "coded", "review", "scrub", "correction_needed", "finalized_at", "received_at", "coded_at", "needs_review_at", "scrubbed_at", "claimed_at", "updated_at", "attempts", "next_attempt_at", "last_error", "parked_at" FROM `encounters`;--> statement-breakpoint
DROP TABLE `encounters`;--> statement-breakpoint
ALTER TABLE `__new_encounters` RENAME TO `encounters`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `encounter_visit_version` ON `encounters` (`source_system`,`visit_number`,`version`);--> statement-breakpoint
CREATE INDEX `encounter_status` ON `encounters` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `__new_inbound_messages` (
	`id` integer PRIMARY KEY NOT NULL,
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
INSERT INTO `__new_inbound_messages`("id", "channel", "sender", "control_id", "content_hash", "message_type", "raw", "received_at", "status", "reason", "encounter_id") SELECT "id", "channel", "sender", "control_id", "content_hash", "message_type", "raw", "received_at", "status", "reason", "encounter_id" FROM `inbound_messages`;--> statement-breakpoint
DROP TABLE `inbound_messages`;--> statement-breakpoint
ALTER TABLE `__new_inbound_messages` RENAME TO `inbound_messages`;--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_sender_control` ON `inbound_messages` (`sender`,`control_id`);--> statement-breakpoint
CREATE INDEX `inbound_hash` ON `inbound_messages` (`content_hash`);--> statement-breakpoint
CREATE TABLE `__new_patients` (
	`id` integer PRIMARY KEY NOT NULL,
	`mrn` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_patients`("id", "mrn", "data", "created_at", "updated_at") SELECT "id", "mrn", "data", "created_at", "updated_at" FROM `patients`;--> statement-breakpoint
DROP TABLE `patients`;--> statement-breakpoint
ALTER TABLE `__new_patients` RENAME TO `patients`;--> statement-breakpoint
CREATE UNIQUE INDEX `patients_mrn_unique` ON `patients` (`mrn`);