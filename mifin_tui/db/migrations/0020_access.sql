-- Mifin schema version 20: who may act (#21).
-- A password an administrator sets (a new user's, a reset's) is a one-time password: the
-- user row keeps who set it and when, and when the user first logged in with it, so the
-- gérant sees a first login after a reset (was it the user, or the administrator?).
-- Failed logins no longer lock a user: they earn a wait computed from failed_attempts and
-- last_failed_at; `locked` is the administrator's lock only (a lock failed logins set
-- before this version stays until an administrator lifts it: it cannot be told from his).

ALTER TABLE "user" ADD COLUMN "reset_by" VARCHAR(64);
ALTER TABLE "user" ADD COLUMN "reset_at" DATETIME;
ALTER TABLE "user" ADD COLUMN "reset_login_at" DATETIME;
