"""Analysis helpers for the notebooks and the site, in layers that import one way:

``data`` (load a processed folder once into a :class:`Corpus`) → ``measures`` (the field's rates, each a documented
formula with num, den, small and ``rests_on``) → ``compare`` (rankings among peers, year-on-year changes, the
carry-over chain, the funnel, key figures) → ``text`` (labels and sentences as data, zh and en, escaping) →
``quality`` (cell status, contradicted totals) · ``tables`` (reader tables) and ``figures`` / ``charts`` /
``distributions`` / ``years`` (style, chart builders, save_figure)
→ ``page`` (what a notebook holds). ``import helpers as h`` gives the public names below.
"""

from .charts import FEW, count_bars, heatmap, legend, measure_bars, rate_bars, rate_panels, ranked_bars, stacked_bars
from .compare import (MIN_RANKED, carry_over_chain, default_bodies, funnel, funnel_stages, key_figures, report_of, largest_peer_group,
                      previous_report, ranking, yearly, yoy_changes)
from .data import Corpus, load, read_table
from .distributions import grouping, histogram, pooled_bars, rate_distribution, value_distribution
from .figures import Chart, palette, save_figure, use_style
from .measures import (MEASURES, OUTCOME_GROUPS, SMALL_N, block_items, carry_forward_rate,
                       completion_rate, correction_conversion_rate, correction_rate, dispute_rate, group_counts,
                       group_items, measure_table, not_held_share, not_processed_rate, other_rate, outcome_mix,
                       pooled_reason_shares, reason_shares, release_rate_strict, release_rate_substantive,
                       rests_on, review_blocks, review_table, unable_rate, pooled_mix,
                       applicant_pooled, review_totals, pooled_rates)
from .quality import CELL_STATUSES, cell_status, contradicted, marked_reports, unknown_cells
from .page import Page, open_page
from .tables import (findings_by_check, findings_table, html_table, key_figures_table, plain_words_table,
                     reason_grid, reason_labels, series_story, changes_table, review_story, funnel_table,
                     comparability_table, briefing_story,
                     ranking_table, reports_table, measures_for_readers)
from .text import Words, escape_html, escape_md, fmt_n, pct, words
from .years import coverage, year_panels

__all__ = [name for name in dir() if not name.startswith("_")]
