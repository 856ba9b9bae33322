-- local placeholder for another helper's migration 0020
CREATE TABLE "_placeholder_0020" ("x" INTEGER);
