-- Mifin schema version 23: the branch's workstations (#23). A remote cashier's session
-- is matched to his desk by the MIFIN_WORKSTATION name his SSH client sends, or else by
-- the client's address; the desk's receipt and document printers then serve every user
-- who sits there, instead of the printers of the server's Unix account that all remote
-- sessions share. A printer is a kind (cups, folder, ask, terminal) and its target (the
-- CUPS queue, the folder); paper_mm is the receipt roll's width.

CREATE TABLE "workstation" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(32) NOT NULL, "address" VARCHAR(64), "location" VARCHAR(80) NOT NULL DEFAULT '', "receipt_kind" VARCHAR(16) NOT NULL, "receipt_target" VARCHAR(200) NOT NULL DEFAULT '', "paper_mm" INTEGER NOT NULL DEFAULT 80, "document_kind" VARCHAR(16) NOT NULL, "document_target" VARCHAR(200) NOT NULL DEFAULT '', "active" INTEGER NOT NULL DEFAULT 1, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL);
CREATE UNIQUE INDEX "workstation_name" ON "workstation" ("name");
CREATE UNIQUE INDEX "workstation_address" ON "workstation" ("address");
