-- Mifin schema version 17: the portfolio at risk of each branch and currency at each month
-- end, written by the closing of the month's last business day (#20). The dashboard's
-- 12-month trend reads these rows instead of rebuilding a year of schedules.

CREATE TABLE "par_snapshot" ("id" INTEGER NOT NULL PRIMARY KEY, "branch_id" INTEGER NOT NULL, "currency" VARCHAR(3) NOT NULL, "day" DATE NOT NULL, "loans" INTEGER NOT NULL, "outstanding" INTEGER NOT NULL, "restructured_outstanding" INTEGER NOT NULL, "levels_json" TEXT NOT NULL, "written_at" DATETIME NOT NULL, FOREIGN KEY ("branch_id") REFERENCES "branch" ("id"));
CREATE UNIQUE INDEX "par_snapshot_branch_id_currency_day" ON "par_snapshot" ("branch_id", "currency", "day");
