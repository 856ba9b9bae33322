-- Mifin schema version 4: members. The whole fiche d'adhésion (natural and legal
-- persons), the gérant's approval of a second record for the same person, solidarity
-- groups and associations, and the full-text index the member picker searches.

ALTER TABLE "member" ADD COLUMN "civil_status" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "id_issued_at" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "id_issued_on" DATE;
ALTER TABLE "member" ADD COLUMN "legal_form" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "registration" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "representative_id" INTEGER REFERENCES "member" ("id");
ALTER TABLE "member" ADD COLUMN "representative_name" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "representative_phone" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "category" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "officer_id" INTEGER REFERENCES "user" ("id");
ALTER TABLE "member" ADD COLUMN "zone" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "left_on" DATE;
-- Duplicate detection: the folded name and the compacted ID number, indexed.
ALTER TABLE "member" ADD COLUMN "name_key" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "id_key" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "member" ADD COLUMN "forms_printed" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "member_name_key_birth_date" ON "member" ("name_key", "birth_date");
CREATE INDEX "member_id_key" ON "member" ("id_key");
CREATE INDEX "member_representative_id" ON "member" ("representative_id");
CREATE INDEX "member_officer_id" ON "member" ("officer_id");

CREATE TABLE "duplicate_request" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "fields" TEXT NOT NULL, "display_name" VARCHAR(255) NOT NULL, "duplicate_of_id" INTEGER NOT NULL, "reason" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, "requested_by_id" INTEGER NOT NULL, "requested_at" DATETIME NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME, "decision_note" VARCHAR(255) NOT NULL, "member_id" INTEGER, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("duplicate_of_id") REFERENCES "member" ("id"), FOREIGN KEY ("requested_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("member_id") REFERENCES "member" ("id"));
CREATE UNIQUE INDEX "duplicate_request_uid" ON "duplicate_request" ("uid");
CREATE INDEX "duplicate_request_branch_id" ON "duplicate_request" ("branch_id");
CREATE INDEX "duplicate_request_duplicate_of_id" ON "duplicate_request" ("duplicate_of_id");
CREATE INDEX "duplicate_request_requested_by_id" ON "duplicate_request" ("requested_by_id");
CREATE INDEX "duplicate_request_decided_by_id" ON "duplicate_request" ("decided_by_id");
CREATE INDEX "duplicate_request_member_id" ON "duplicate_request" ("member_id");
CREATE INDEX "duplicate_request_status" ON "duplicate_request" ("status");

CREATE TABLE "member_group" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "meeting_place" VARCHAR(255) NOT NULL, "status" VARCHAR(255) NOT NULL, "created_by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "member_group_uid" ON "member_group" ("uid");
CREATE INDEX "member_group_branch_id" ON "member_group" ("branch_id");
CREATE INDEX "member_group_created_by_id" ON "member_group" ("created_by_id");

CREATE TABLE "group_membership" ("id" INTEGER NOT NULL PRIMARY KEY, "group_id" INTEGER NOT NULL, "member_id" INTEGER NOT NULL, "role" VARCHAR(32) NOT NULL, "joined_on" DATE NOT NULL, FOREIGN KEY ("group_id") REFERENCES "member_group" ("id"), FOREIGN KEY ("member_id") REFERENCES "member" ("id"));
CREATE INDEX "group_membership_group_id" ON "group_membership" ("group_id");
CREATE INDEX "group_membership_member_id" ON "group_membership" ("member_id");
CREATE UNIQUE INDEX "group_membership_group_id_member_id" ON "group_membership" ("group_id", "member_id");

-- The picker now reads member_fts: the B-tree on the whole key (schema 1) served only a
-- LIKE '%word%', which cannot use it, and it slowed every insert.
DROP INDEX "member_search_key";

-- The member picker's index: FTS5 over member.search_key (external content, kept by
-- triggers), prefix-indexed so "kab" finds Kabongo in a few milliseconds among 200,000.
CREATE VIRTUAL TABLE "member_fts" USING fts5("search_key", content='member', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER "member_fts_insert" AFTER INSERT ON "member"
BEGIN INSERT INTO "member_fts" ("rowid", "search_key") VALUES (NEW."id", NEW."search_key"); END;
CREATE TRIGGER "member_fts_delete" AFTER DELETE ON "member"
BEGIN INSERT INTO "member_fts" ("member_fts", "rowid", "search_key") VALUES ('delete', OLD."id", OLD."search_key"); END;
CREATE TRIGGER "member_fts_update" AFTER UPDATE OF "search_key" ON "member"
BEGIN INSERT INTO "member_fts" ("member_fts", "rowid", "search_key") VALUES ('delete', OLD."id", OLD."search_key"); INSERT INTO "member_fts" ("rowid", "search_key") VALUES (NEW."id", NEW."search_key"); END;
INSERT INTO "member_fts" ("member_fts") VALUES ('rebuild');
