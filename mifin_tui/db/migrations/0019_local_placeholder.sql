-- local placeholder for another helper's migration 0019
CREATE TABLE "_placeholder_0019" ("x" INTEGER);
