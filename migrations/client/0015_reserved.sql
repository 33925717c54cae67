-- Placeholder for client migration 15, which another slice of issue 11 adds on its own branch:
-- the numbering is gapless, so this branch carries a harmless stand-in the merge replaces.
SELECT 1;
