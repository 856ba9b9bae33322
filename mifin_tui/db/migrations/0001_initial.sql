-- Mifin schema version 1: the foundation (institution, users, ledger, audit).
-- Frozen: later changes go in new numbered files, never here.

CREATE TABLE "institution" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "regulator" VARCHAR(255) NOT NULL, "currency" VARCHAR(3) NOT NULL, "created_at" DATETIME NOT NULL);

CREATE TABLE "branch" ("id" INTEGER NOT NULL PRIMARY KEY, "code" VARCHAR(8) NOT NULL, "name" VARCHAR(255) NOT NULL, "city" VARCHAR(255) NOT NULL, "institution_id" INTEGER NOT NULL, FOREIGN KEY ("institution_id") REFERENCES "institution" ("id"));
CREATE UNIQUE INDEX "branch_code" ON "branch" ("code");
CREATE INDEX "branch_institution_id" ON "branch" ("institution_id");

CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);

CREATE TABLE "counter" ("name" VARCHAR(255) NOT NULL PRIMARY KEY, "value" INTEGER NOT NULL);

CREATE TABLE "user" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "username" VARCHAR(64) NOT NULL, "full_name" VARCHAR(255) NOT NULL, "password_hash" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "language" VARCHAR(8) NOT NULL, "active" INTEGER NOT NULL, "locked" INTEGER NOT NULL, "failed_attempts" INTEGER NOT NULL, "last_failed_at" DATETIME, "must_change_password" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, "password_changed_at" DATETIME, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"));
CREATE UNIQUE INDEX "user_uid" ON "user" ("uid");
CREATE UNIQUE INDEX "user_username" ON "user" ("username");
CREATE INDEX "user_branch_id" ON "user" ("branch_id");

CREATE TABLE "user_role" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "role" VARCHAR(32) NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE);
CREATE INDEX "user_role_user_id" ON "user_role" ("user_id");
CREATE UNIQUE INDEX "user_role_user_id_role" ON "user_role" ("user_id", "role");

CREATE TABLE "business_day" ("id" INTEGER NOT NULL PRIMARY KEY, "branch_id" INTEGER NOT NULL, "date" DATE NOT NULL, "status" VARCHAR(255) NOT NULL, "opened_at" DATETIME NOT NULL, "opened_by_id" INTEGER, "closed_at" DATETIME, "closed_by_id" INTEGER, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("opened_by_id") REFERENCES "user" ("id"), FOREIGN KEY ("closed_by_id") REFERENCES "user" ("id"));
CREATE INDEX "business_day_branch_id" ON "business_day" ("branch_id");
CREATE INDEX "business_day_opened_by_id" ON "business_day" ("opened_by_id");
CREATE INDEX "business_day_closed_by_id" ON "business_day" ("closed_by_id");
CREATE UNIQUE INDEX "business_day_branch_id_date" ON "business_day" ("branch_id", "date");

CREATE TABLE "gl_account" ("id" INTEGER NOT NULL PRIMARY KEY, "code" VARCHAR(16) NOT NULL, "name" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "normal_side" VARCHAR(6) NOT NULL, "parent_code" VARCHAR(255), "postable" INTEGER NOT NULL, "key" VARCHAR(255));
CREATE UNIQUE INDEX "gl_account_code" ON "gl_account" ("code");
CREATE UNIQUE INDEX "gl_account_key" ON "gl_account" ("key");

CREATE TABLE "member" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "number" VARCHAR(32) NOT NULL, "branch_id" INTEGER NOT NULL, "kind" VARCHAR(255) NOT NULL, "surname" VARCHAR(255) NOT NULL, "postname" VARCHAR(255) NOT NULL, "first_name" VARCHAR(255) NOT NULL, "legal_name" VARCHAR(255) NOT NULL, "sex" VARCHAR(1) NOT NULL, "birth_date" DATE, "birth_place" VARCHAR(255) NOT NULL, "phone" VARCHAR(255) NOT NULL, "profession" VARCHAR(255) NOT NULL, "address" VARCHAR(255) NOT NULL, "commune" VARCHAR(255) NOT NULL, "city" VARCHAR(255) NOT NULL, "province" VARCHAR(255) NOT NULL, "id_type" VARCHAR(255) NOT NULL, "id_number" VARCHAR(255) NOT NULL, "joined_on" DATE NOT NULL, "status" VARCHAR(255) NOT NULL, "search_key" VARCHAR(255) NOT NULL, "created_by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "member_uid" ON "member" ("uid");
CREATE UNIQUE INDEX "member_number" ON "member" ("number");
CREATE INDEX "member_branch_id" ON "member" ("branch_id");
CREATE INDEX "member_id_number" ON "member" ("id_number");
CREATE INDEX "member_search_key" ON "member" ("search_key");
CREATE INDEX "member_created_by_id" ON "member" ("created_by_id");

CREATE TABLE "account" ("id" INTEGER NOT NULL PRIMARY KEY, "uid" VARCHAR(255) NOT NULL, "number" VARCHAR(32) NOT NULL, "branch_id" INTEGER NOT NULL, "kind" VARCHAR(255) NOT NULL, "gl_account_id" INTEGER NOT NULL, "member_id" INTEGER, "currency" VARCHAR(3) NOT NULL, "name" VARCHAR(255) NOT NULL, "normal_side" VARCHAR(6) NOT NULL, "allow_negative" INTEGER NOT NULL, "balance" INTEGER NOT NULL, "status" VARCHAR(255) NOT NULL, "opened_on" DATE NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("gl_account_id") REFERENCES "gl_account" ("id"), FOREIGN KEY ("member_id") REFERENCES "member" ("id"));
CREATE UNIQUE INDEX "account_uid" ON "account" ("uid");
CREATE UNIQUE INDEX "account_number" ON "account" ("number");
CREATE INDEX "account_branch_id" ON "account" ("branch_id");
CREATE INDEX "account_gl_account_id" ON "account" ("gl_account_id");
CREATE INDEX "account_member_id" ON "account" ("member_id");
CREATE INDEX "account_gl_account_id_branch_id_currency_kind" ON "account" ("gl_account_id", "branch_id", "currency", "kind");

CREATE TABLE "journal_transaction" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "uid" VARCHAR(255) NOT NULL, "branch_id" INTEGER NOT NULL, "business_date" DATE NOT NULL, "posted_at" DATETIME NOT NULL, "user_id" INTEGER NOT NULL, "kind" VARCHAR(255) NOT NULL, "voucher_series" VARCHAR(4), "voucher_number" VARCHAR(255), "label" VARCHAR(255) NOT NULL, "reverses_id" INTEGER, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"), FOREIGN KEY ("user_id") REFERENCES "user" ("id"), FOREIGN KEY ("reverses_id") REFERENCES "journal_transaction" ("id"));
CREATE UNIQUE INDEX "journal_transaction_uid" ON "journal_transaction" ("uid");
CREATE INDEX "journal_transaction_branch_id" ON "journal_transaction" ("branch_id");
CREATE INDEX "journal_transaction_business_date" ON "journal_transaction" ("business_date");
CREATE INDEX "journal_transaction_user_id" ON "journal_transaction" ("user_id");
CREATE UNIQUE INDEX "journal_transaction_voucher_number" ON "journal_transaction" ("voucher_number");
CREATE UNIQUE INDEX "journal_transaction_reverses_id" ON "journal_transaction" ("reverses_id");

CREATE TABLE "entry" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "txn_id" INTEGER NOT NULL, "line" INTEGER NOT NULL, "account_id" INTEGER NOT NULL, "gl_account_id" INTEGER NOT NULL, "debit" INTEGER NOT NULL, "credit" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "balance_after" INTEGER NOT NULL, "label" VARCHAR(255) NOT NULL, FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"), FOREIGN KEY ("account_id") REFERENCES "account" ("id"), FOREIGN KEY ("gl_account_id") REFERENCES "gl_account" ("id"), CHECK (debit >= 0 AND credit >= 0), CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)));
CREATE INDEX "entry_txn_id" ON "entry" ("txn_id");
CREATE INDEX "entry_gl_account_id" ON "entry" ("gl_account_id");
CREATE UNIQUE INDEX "entry_txn_id_line" ON "entry" ("txn_id", "line");
CREATE INDEX "entry_account_id_id" ON "entry" ("account_id", "id");

CREATE TABLE "txn_seal" ("txn_id" INTEGER NOT NULL PRIMARY KEY, FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));

CREATE TABLE "audit_log" ("seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "at" VARCHAR(255) NOT NULL, "business_date" VARCHAR(255), "user_id" INTEGER, "username" VARCHAR(255) NOT NULL, "branch_code" VARCHAR(255) NOT NULL, "action" VARCHAR(255) NOT NULL, "entity" VARCHAR(255) NOT NULL, "entity_id" VARCHAR(255) NOT NULL, "before" TEXT NOT NULL, "after" TEXT NOT NULL, "prev_hash" VARCHAR(64) NOT NULL, "hash" VARCHAR(64) NOT NULL);
CREATE UNIQUE INDEX "audit_log_hash" ON "audit_log" ("hash");

-- The ledger and the audit log are append-only: a correction is a new row.
CREATE TRIGGER "journal_transaction_no_update" BEFORE UPDATE ON "journal_transaction"
BEGIN SELECT RAISE(ABORT, 'journal transactions are append-only'); END;
CREATE TRIGGER "journal_transaction_no_delete" BEFORE DELETE ON "journal_transaction"
BEGIN SELECT RAISE(ABORT, 'journal transactions are append-only'); END;
CREATE TRIGGER "entry_no_update" BEFORE UPDATE ON "entry"
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER "entry_no_delete" BEFORE DELETE ON "entry"
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER "txn_seal_no_update" BEFORE UPDATE ON "txn_seal"
BEGIN SELECT RAISE(ABORT, 'sealed transactions are final'); END;
CREATE TRIGGER "txn_seal_no_delete" BEFORE DELETE ON "txn_seal"
BEGIN SELECT RAISE(ABORT, 'sealed transactions are final'); END;
CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE ON "audit_log"
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER "audit_log_no_delete" BEFORE DELETE ON "audit_log"
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- A transaction posts only to its branch's open business day.
CREATE TRIGGER "journal_transaction_open_day" BEFORE INSERT ON "journal_transaction"
WHEN NOT EXISTS (SELECT 1 FROM "business_day" WHERE "branch_id" = NEW."branch_id"
                 AND "date" = NEW."business_date" AND "status" = 'open')
BEGIN SELECT RAISE(ABORT, 'the business day is not open'); END;

-- A line is in its account's currency and cannot join a sealed transaction.
CREATE TRIGGER "entry_currency_matches_account" BEFORE INSERT ON "entry"
WHEN NEW."currency" <> (SELECT "currency" FROM "account" WHERE "id" = NEW."account_id")
BEGIN SELECT RAISE(ABORT, 'entry currency differs from its account'); END;
CREATE TRIGGER "entry_not_after_seal" BEFORE INSERT ON "entry"
WHEN EXISTS (SELECT 1 FROM "txn_seal" WHERE "txn_id" = NEW."txn_id")
BEGIN SELECT RAISE(ABORT, 'the transaction is sealed'); END;

-- The seal is refused unless the transaction has two lines or more and
-- balances in every currency.
CREATE TRIGGER "txn_seal_balanced" BEFORE INSERT ON "txn_seal"
WHEN (SELECT count(*) FROM "entry" WHERE "txn_id" = NEW."txn_id") < 2
  OR EXISTS (SELECT 1 FROM "entry" WHERE "txn_id" = NEW."txn_id"
             GROUP BY "currency" HAVING sum("debit") <> sum("credit"))
BEGIN SELECT RAISE(ABORT, 'unbalanced journal transaction'); END;
