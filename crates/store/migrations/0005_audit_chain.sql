-- Schema 5: the audit log becomes tamper-evident. Each row carries a hash of itself
-- and of the row before it, so a changed, removed or inserted row breaks the chain.
-- Rows already there are chained once, in order, by the migration's own step (which
-- lifts the no-update trigger for that alone and puts it back).
ALTER TABLE audit_log ADD COLUMN hash TEXT;
DROP TRIGGER audit_log_no_update;
