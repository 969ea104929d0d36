-- Two indexes for the history page and the attempt page on a large database (found by
-- tests/query_plans.rs and `make bench`; docs/PERFORMANCE.md has the figures).

-- "Is this scorecard amended?" (NOT EXISTS ... WHERE amends_id = c.id) runs for every
-- interviewer scorecard; without an index it read the whole scorecards table each time. Few
-- scorecards amend another, so the index holds only those.
CREATE INDEX scorecards_by_amends ON scorecards (amends_id) WHERE amends_id IS NOT NULL;

-- An attempt's scorecards of one kind (its self-score, its interviewers'), answered from the
-- index alone instead of reading each scorecard row to check its kind: the history list's
-- means went from 1.1 ms to 0.4 ms for a candidate with 113 attempts.
DROP INDEX scorecards_by_attempt;
CREATE INDEX scorecards_by_attempt ON scorecards (attempt_id, kind, scorer_id);
