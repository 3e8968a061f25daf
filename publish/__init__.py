"""Publishing: run the analysis notebooks (notebooks.py), and build the reader site from the executed notebooks and
the tidy tables (site.py: index, definitions, notebook pages; briefings.py: one briefing per report in Chinese and
English with its PDF), from the Jinja2 templates in templates/ and the stylesheet in static/."""
