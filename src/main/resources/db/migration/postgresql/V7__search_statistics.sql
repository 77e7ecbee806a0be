-- Finer statistics for q (ILIKE '%term%' on title or author): the planner estimates how many books a term matches
-- from a histogram of sampled values, and with the default 100 entries it cannot tell a term that matches 1 % of
-- the books from one that matches none, so it picked the trigram index for terms where walking the ids in order
-- is far cheaper (docs/performance.md). 1000 entries resolve 0.1 %. Only the next ANALYZE (autovacuum or by hand)
-- reads the table; this statement itself changes the catalogue only, so it is instant on any size.
ALTER TABLE books ALTER COLUMN title SET STATISTICS 1000, ALTER COLUMN author SET STATISTICS 1000;
