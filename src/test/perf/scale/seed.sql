-- Seeds :books books into a migrated, empty books database for the scale benchmark (src/test/perf/scale.sh).
-- psql -v books=N -f seed.sql. Titles and authors are made of English words picked with a skew, so that the
-- catalogue holds common words ('the' in about a third of the titles), rarer ones, and rare word pairs.
-- The indexes are dropped and rebuilt with their own definitions: one index build is faster than 10 M inserts.
\set ON_ERROR_STOP on
SET maintenance_work_mem = '1GB';
SET max_parallel_maintenance_workers = 2;

CREATE TEMP TABLE words (kind text, list text[]);
INSERT INTO words VALUES
('adj', '{Silent,Hidden,Lost,Golden,Broken,Last,Secret,Dark,Little,Bright,Wild,Quiet,Empty,Distant,Ancient,Burning,Frozen,Northern,Southern,Endless,Forgotten,Crimson,Silver,Hollow,Painted,Sleeping,Wandering,Bitter,Gentle,Restless,Scarlet,Invisible,Final,Narrow,Open,Fallen,Shining,Savage,Velvet,Iron,Glass,Paper,Stolen,Borrowed,Winter,Summer,Autumn,Spring,Midnight,Morning,Evening,Drowned,Perfect,Strange,Curious,Patient,Brave,Lonely,Tender,Wicked,Sacred,Simple,Hungry,Careless,Crooked,Faithful,Humble,Jealous,Merry,Proud,Stubborn,Weary,Amber,Azure,Ivory,Obsidian,Emerald,Marble,Copper,Feathered}'),
('noun', '{House,River,Garden,Night,Sea,City,Road,Mountain,Window,Door,Letter,Dream,Shadow,Island,Forest,Kingdom,Heart,Mirror,Storm,Fire,Stone,Bridge,Tower,Song,Child,King,Queen,Stranger,Sister,Brother,Mother,Father,Daughter,Son,Friend,Enemy,Widow,Soldier,Doctor,Teacher,Painter,Thief,Hunter,Sailor,Orchard,Harbor,Lighthouse,Library,Station,Valley,Desert,Field,Meadow,Lake,Winter,Summer,Journey,Promise,Secret,Memory,War,Peace,Empire,Republic,Crown,Sword,Map,Clock,Key,Book,Candle,Lantern,Compass,Feather,Wolf,Fox,Raven,Owl,Horse,Whale,Tiger,Sparrow,Rose,Lily,Oak,Willow,Salt,Honey,Bread,Wine,Silk,Ash,Smoke,Rain,Snow,Wind,Moon,Star,Sun,Tide,Echo,Silence,Music,Dance,Game,Trial,Verdict,Inheritance,Confession,Hour,Year,Century,Morning,Evening,Harvest,Frontier,Border,Exile,Return,Voyage,Labyrinth,Archive,Atlas,Chronicle,Gospel,Legend,Prophecy,Ritual,Theory,Question,Answer,Lesson,Method,Grammar,Alphabet,Garment,Tapestry,Quilt,Cathedral,Monastery,Vineyard,Quarry,Foundry,Mill,Dockyard,Caravan}'),
('place', '{Paris,Vienna,Lisbon,Prague,Venice,Cairo,Kyoto,Dublin,Havana,Odessa,Istanbul,Marrakesh,Naples,Seville,Krakow,Trieste,Bombay,Shanghai,Valparaiso,Zanzibar,Samarkand,Tangier,Alexandria,Jerusalem,Petersburg,Berlin,London,Boston,Chicago,Memphis,Galway,Oslo,Reykjavik,Helsinki,Tbilisi,Baku,Lagos,Nairobi,Lima,Quito}'),
('first', '{James,Mary,John,Patricia,Robert,Jennifer,Michael,Linda,William,Elizabeth,David,Barbara,Richard,Susan,Joseph,Jessica,Thomas,Sarah,Charles,Karen,Daniel,Nancy,Matthew,Lisa,Anthony,Betty,Mark,Margaret,Donald,Sandra,Steven,Ashley,Paul,Kimberly,Andrew,Emily,Joshua,Donna,Kenneth,Michelle,Kevin,Dorothy,Brian,Carol,George,Amanda,Edward,Melissa,Ronald,Deborah,Timothy,Stephanie,Jason,Rebecca,Jeffrey,Sharon,Ryan,Laura,Jacob,Cynthia,Gary,Kathleen,Nicholas,Amy,Eric,Shirley,Jonathan,Angela,Stephen,Helen,Larry,Anna,Justin,Brenda,Scott,Pamela,Brandon,Nicole,Benjamin,Emma,Samuel,Samantha,Gregory,Katherine,Frank,Christine,Alexander,Debra,Raymond,Rachel,Patrick,Catherine,Jack,Carolyn,Dennis,Janet,Jerry,Ruth,Tyler,Maria,Aaron,Heather,Jose,Diane,Henry,Virginia,Adam,Julie,Douglas,Joyce,Nathan,Victoria,Peter,Olivia,Zachary,Kelly,Kyle,Christina,Walter,Lauren,Harold,Joan,Jeremy,Evelyn,Ethan,Judith,Carl,Megan,Keith,Cheryl,Roger,Andrea,Gerald,Hannah,Christian,Martha,Terry,Jacqueline,Sean,Frances,Arthur,Gloria,Austin,Ann,Noah,Teresa,Lawrence,Kathryn,Jesse,Sara,Joe,Janice,Bryan,Jean,Billy,Alice,Jordan,Madison,Albert,Doris,Dylan,Abigail,Bruce,Julia,Willie,Judy,Gabriel,Grace,Alan,Denise,Juan,Amber,Logan,Marilyn,Wayne,Beverly,Ralph,Danielle,Roy,Theresa,Eugene,Sophia,Randy,Marie,Vincent,Diana,Russell,Brittany,Louis,Natalie,Philip,Isabella,Bobby,Charlotte,Johnny,Rose,Bradley,Alexis,Ingrid,Yusuf,Chiara,Mateo,Akira,Olga,Kwame,Priya,Liam,Freya,Tomasz,Ines}'),
('last', '{Smith,Johnson,Williams,Brown,Jones,Garcia,Miller,Davis,Rodriguez,Martinez,Hernandez,Lopez,Gonzalez,Wilson,Anderson,Thomas,Taylor,Moore,Jackson,Martin,Lee,Perez,Thompson,White,Harris,Sanchez,Clark,Ramirez,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,Torres,Nguyen,Hill,Flores,Green,Adams,Nelson,Baker,Hall,Rivera,Campbell,Mitchell,Carter,Roberts,Gomez,Phillips,Evans,Turner,Diaz,Parker,Cruz,Edwards,Collins,Reyes,Stewart,Morris,Morales,Murphy,Cook,Rogers,Gutierrez,Ortiz,Morgan,Cooper,Peterson,Bailey,Reed,Kelly,Howard,Ramos,Kim,Cox,Ward,Richardson,Watson,Brooks,Chavez,Wood,James,Bennett,Gray,Mendoza,Ruiz,Hughes,Price,Alvarez,Castillo,Sanders,Patel,Myers,Long,Ross,Foster,Jimenez,Powell,Jenkins,Perry,Russell,Sullivan,Bell,Coleman,Butler,Henderson,Barnes,Gonzales,Fisher,Vasquez,Simmons,Romero,Jordan,Patterson,Alexander,Hamilton,Graham,Reynolds,Griffin,Wallace,Moreno,West,Cole,Hayes,Bryant,Herrera,Gibson,Ellis,Tran,Medina,Aguilar,Stevens,Murray,Ford,Castro,Marshall,Owens,Harrison,Fernandez,McDonald,Woods,Washington,Kennedy,Wells,Vargas,Henry,Chen,Freeman,Webb,Tucker,Guzman,Burns,Crawford,Olson,Simpson,Porter,Hunter,Gordon,Mendez,Silva,Shaw,Snyder,Mason,Dixon,Munoz,Hunt,Hicks,Holmes,Palmer,Wagner,Black,Robertson,Boyd,Rose,Stone,Salazar,Fox,Warren,Mills,Meyer,Rice,Schmidt,Garza,Daniels,Ferguson,Nichols,Stephens,Soto,Weaver,Ryan,Gardner,Payne,Grant,Dunn,Kelley,Spencer,Hawkins,Arnold,Pierce,Vazquez,Hansen,Peters,Santos,Hart,Bradley,Knight,Elliott,Cunningham,Duncan,Armstrong,Hudson,Carroll,Lane,Riley,Andrews,Alvarado,Ray,Delgado,Berry,Perkins,Hoffman,Johnston,Matthews,Pena,Richards,Contreras,Willis,Carpenter,Lawrence,Sandoval,Okafor,Lindqvist,Kowalski,Nakamura,Haddad,Novak,Rossi,Dubois,Schneider,Ivanova,Mbeki,Quispe,Takahashi,Horvath,Papadopoulos,Zielinski,Bjornsson,Achebe}');

CREATE TEMP TABLE saved_indexes AS
SELECT indexname, indexdef FROM pg_indexes
WHERE tablename = 'books' AND schemaname = current_schema() AND indexname <> 'books_pkey';
DO $$ DECLARE i record; BEGIN
    FOR i IN SELECT indexname FROM saved_indexes LOOP EXECUTE format('DROP INDEX %I', i.indexname); END LOOP;
END $$;
ALTER TABLE books DROP CONSTRAINT books_pkey;
TRUNCATE books;

-- u(g, k): a uniform number in [0, 1) per book g and draw k; pick(list, u^2) favours the first words of a list.
CREATE FUNCTION pg_temp.u(g bigint, k int) RETURNS float8 IMMUTABLE LANGUAGE sql
    AS 'SELECT (hashint8(g * 16 + k) & 2147483647) / 2147483648.0';
CREATE FUNCTION pg_temp.pick(list text[], x float8) RETURNS text IMMUTABLE LANGUAGE sql
    AS 'SELECT list[1 + floor(x * array_length(list, 1))::int]';
CREATE FUNCTION pg_temp.isbn13(g bigint) RETURNS text IMMUTABLE LANGUAGE sql AS $f$
    SELECT d || ((10 - (SELECT sum(substr(d, i, 1)::int * CASE WHEN i % 2 = 0 THEN 3 ELSE 1 END)
                        FROM generate_series(1, 12) i) % 10) % 10)::text
    FROM (SELECT '979' || lpad(g::text, 9, '0') AS d) s
$f$;

INSERT INTO books (id, title, author, publication_year, isbn)
SELECT g,
       CASE floor(pg_temp.u(g, 0) * 6)::int
           WHEN 0 THEN 'The ' || pg_temp.pick(a, pg_temp.u(g, 1) ^ 2) || ' ' || pg_temp.pick(n, pg_temp.u(g, 2) ^ 2)
           WHEN 1 THEN 'The ' || pg_temp.pick(n, pg_temp.u(g, 1) ^ 2) || ' of ' || pg_temp.pick(n, pg_temp.u(g, 2))
           WHEN 2 THEN pg_temp.pick(a, pg_temp.u(g, 1)) || ' ' || pg_temp.pick(n, pg_temp.u(g, 2) ^ 2)
           WHEN 3 THEN 'A ' || pg_temp.pick(n, pg_temp.u(g, 1)) || ' in ' || pg_temp.pick(p, pg_temp.u(g, 2) ^ 2)
           WHEN 4 THEN pg_temp.pick(n, pg_temp.u(g, 1) ^ 2) || ' and ' || pg_temp.pick(n, pg_temp.u(g, 2))
           ELSE pg_temp.pick(a, pg_temp.u(g, 1) ^ 2) || ' ' || pg_temp.pick(n, pg_temp.u(g, 2))
                || ': ' || pg_temp.pick(a, pg_temp.u(g, 3)) || ' ' || pg_temp.pick(n, pg_temp.u(g, 4))
       END,
       pg_temp.pick(f, pg_temp.u(g, 5) ^ 2) || ' ' || pg_temp.pick(l, pg_temp.u(g, 6) ^ 2),
       1800 + floor(pg_temp.u(g, 7) * 226)::int,
       pg_temp.isbn13(g)
FROM generate_series(1, :books) g,
     (SELECT (SELECT list FROM words WHERE kind = 'adj') a, (SELECT list FROM words WHERE kind = 'noun') n,
             (SELECT list FROM words WHERE kind = 'place') p, (SELECT list FROM words WHERE kind = 'first') f,
             (SELECT list FROM words WHERE kind = 'last') l) w;

ALTER TABLE books ADD CONSTRAINT books_pkey PRIMARY KEY (id);
DO $$ DECLARE i record; BEGIN
    FOR i IN SELECT indexdef FROM saved_indexes LOOP EXECUTE i.indexdef; END LOOP;
END $$;
SELECT setval(pg_get_serial_sequence('books', 'id'), :books);
VACUUM (ANALYZE) books;
