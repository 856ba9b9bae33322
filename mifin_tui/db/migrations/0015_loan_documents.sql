-- Mifin schema version 15: documents a member can trust (#19).
-- A loan product says how a repayment sweeps the instalments due: each instalment in full
-- before the next ("instalment", the behaviour until now) or every instalment's penalties,
-- then every instalment's interest, then principal ("component").
-- A voucher that moves a loan (its BS of disbursement, a BR, a BR's reversal) keeps the
-- loan's three remaining figures after it, so a reprint months later says what the first
-- print said: the principal outstanding, the total still due with future interest, the
-- payoff on that day.

ALTER TABLE "loan_product" ADD COLUMN "allocation_sweep" VARCHAR(16) NOT NULL DEFAULT 'instalment';
ALTER TABLE "voucher" ADD COLUMN "principal_after" INTEGER;
ALTER TABLE "voucher" ADD COLUMN "total_due_after" INTEGER;
ALTER TABLE "voucher" ADD COLUMN "payoff_after" INTEGER;
