-- Mifin schema version 18: documents a member can trust (#19).
-- A loan product says how a repayment sweeps the instalments due: each instalment in full
-- before the next ("instalment", the behaviour until now) or every instalment's penalties,
-- then every instalment's interest, then principal ("component").
-- A voucher that moves a loan (the BS of its disbursement, a BR) has the loan's three
-- remaining figures after it beside it, written once like the voucher, so a reprint months
-- later says what the first print said: the principal outstanding, the total still due
-- with future interest, the payoff on that day.

ALTER TABLE "loan_product" ADD COLUMN "allocation_sweep" VARCHAR(16) NOT NULL DEFAULT 'instalment';
CREATE TABLE "voucher_loan_figures" ("txn_id" INTEGER NOT NULL PRIMARY KEY, "principal" INTEGER NOT NULL, "total_due" INTEGER NOT NULL, "payoff" INTEGER NOT NULL, FOREIGN KEY ("txn_id") REFERENCES "journal_transaction" ("id"));
CREATE TRIGGER "voucher_loan_figures_no_update" BEFORE UPDATE ON "voucher_loan_figures"
BEGIN SELECT RAISE(ABORT, 'vouchers are append-only'); END;
CREATE TRIGGER "voucher_loan_figures_no_delete" BEFORE DELETE ON "voucher_loan_figures"
BEGIN SELECT RAISE(ABORT, 'vouchers are append-only'); END;
