-- Mifin schema version 3: the institution's calendar (public holidays). Weekend days
-- are a setting; a date that is a holiday is no working day: due dates move past it
-- and the nightly closing opens the next working day after it.

CREATE TABLE "holiday" ("id" INTEGER NOT NULL PRIMARY KEY, "date" DATE NOT NULL, "label" VARCHAR(255) NOT NULL, "created_by_id" INTEGER, "created_at" DATETIME NOT NULL, FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"));
CREATE UNIQUE INDEX "holiday_date" ON "holiday" ("date");
CREATE INDEX "holiday_created_by_id" ON "holiday" ("created_by_id");
