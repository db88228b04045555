"""Real text in other languages for the benchmark, built by ``bench/languages.py``.

- :mod:`multilingual.detect`: the language guesser (scripts, and jusText's stoplists);
- :mod:`multilingual.paragraphs`: prose paragraphs from HTML, man pages and fortunes;
- :mod:`multilingual.debian`: the Debian documentation packages read, their licences, page by page;
- :mod:`multilingual.documents`: pages into clean documents of one language each, and a balanced choice;
- :mod:`multilingual.mime`: readable text from raw SpamAssassin messages;
- :mod:`multilingual.spam`: the non-English spam (and hard ham) of ``../shared/data``.
"""
