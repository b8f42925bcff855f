-- Schema 8: the language a patient's social prescription prints in (a BCP 47 code from
-- the domain's PRINT_LANGUAGES; NULL is English), beside the spoken language they gave.
ALTER TABLE patients ADD COLUMN print_language TEXT;
