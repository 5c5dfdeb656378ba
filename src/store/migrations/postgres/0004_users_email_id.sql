-- Every lookup of a user by email asks for the oldest of any duplicates (WHERE email = $1
-- ORDER BY id LIMIT 1). With an index on email alone, the planner may instead walk the primary
-- key in id order and filter each row by email: it does so whenever the table has a row count but
-- no column statistics yet (after a VACUUM and before the first ANALYZE, as autovacuum leaves a
-- table that only grows by inserts), and for an address with no user that walk reads every row.
-- On (email, id) the index answers the whole query, first entry first, so no plan can beat it.
CREATE INDEX IF NOT EXISTS users_email_id ON users (email, id);
DROP INDEX IF EXISTS users_email;
