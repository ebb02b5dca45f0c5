"""Places people type: which time zone a city, a country, an offset or an abbreviation means.

``zones.read_zone`` is the one reader; ``tzdb`` reads tzdata's own tables (zone.tab, the
links), ``cities`` the GeoNames cities made into data/cities.tsv by ``build``. Countries are
``safety.countries`` (the crisis lines need them too). Everything is read on first use.
"""
