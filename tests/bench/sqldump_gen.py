#!/usr/bin/env python3
"""sqldump_gen.py FILE MB: a mysqldump-like file of about MB megabytes for
make bench (hostguard reading `mysql wiki < dump.sql`): extended INSERTs
of numbers, short strings with escaped quotes and semicolons, NULLs."""
import sys

out, mb = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    f.write("-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n/*!40101 SET NAMES utf8mb4 */;\n"
            "DROP TABLE IF EXISTS `page`;\nCREATE TABLE `page` (\n  `page_id` int unsigned NOT NULL,\n"
            "  `page_title` varbinary(255) NOT NULL,\n  PRIMARY KEY (`page_id`)\n) ENGINE=InnoDB;\n"
            "/*!40000 ALTER TABLE `page` DISABLE KEYS */;\n")
    size, i = 0, 0
    while size < mb * 1000000:
        rows = []
        for _ in range(500):
            i += 1
            rows.append("(%d,0,'Page_title_%d','20240101%06d',%d,0.%d,NULL,'it\\'s a \"text\", with; a semicolon')"
                        % (i, i, i % 1000000, i * 7 % 100000, i % 997))
        line = "INSERT INTO `page` VALUES " + ",".join(rows) + ";\n"
        f.write(line)
        size += len(line)
    f.write("/*!40000 ALTER TABLE `page` ENABLE KEYS */;\n")
