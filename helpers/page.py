"""What a notebook holds on to: the corpus, its words, where figures go; and how it shows prose, tables and charts.

``page = h.open_page("02_request_outcomes", processed, figures, lang)`` loads the corpus once; ``page.say(key, …)``
shows a template of data/texts.csv as Markdown (fields escaped), ``page.table(df)`` a reader table, and
``page.save(chart, name, title=…, caption=…)`` writes the figure (:func:`helpers.figures.save_figure`), shows it
and its caption.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .data import Corpus, load
from .figures import Chart, save_figure, use_style
from .tables import html_table
from .text import Words, words


@dataclass
class Page:
    """One notebook run: its name, the corpus, the words of its language, the figures folder."""

    notebook: str
    corpus: Corpus
    words: Words
    figures: Path

    def say(self, key: str, **fields: object) -> None:
        """Show the template ``key`` as Markdown; fields (names from reports) are escaped."""
        from IPython.display import Markdown, display

        display(Markdown(self.words.md(key, **fields)))

    def table(self, table: pd.DataFrame | tuple[pd.DataFrame, str], note: str = "") -> None:
        """Show a reader table (or a (table, note) pair) as escaped HTML without its index."""
        from IPython.display import HTML, display

        if isinstance(table, tuple):
            table, note = table
        display(HTML(html_table(table, note)))

    def save(self, chart: Chart, name: str, *, title: str, caption: str, definitions: Iterable[str] = ()) -> None:
        """Save ``chart`` as figures/NAME.* with its title and caption, then show the saved PNG and the caption."""
        from IPython.display import Image, Markdown, display

        png = save_figure(chart, name, figures=self.figures, words=self.words, reports=self.corpus.reports,
                          title=title, caption=caption, notebook=self.notebook, definitions=definitions)
        plt.close(chart.fig)  # shown from the file: drawing it again inline would lay it out once more
        display(Image(filename=str(png), width=int(chart.fig.get_figwidth() * 80)))
        display(Markdown(self.words.md("figure.caption", caption=caption)))


def open_page(notebook: str, processed: str | Path, figures: str | Path, lang: str = "zh") -> Page:
    """Load the corpus of ``processed``, the words of ``lang`` and the house style for one notebook."""
    use_style()
    corpus = load(processed)
    return Page(notebook=notebook, corpus=corpus, words=words(corpus, lang), figures=Path(figures))
