"""nianbao (年报): read China's government information disclosure annual reports into tidy tables.

The data flows one way: ``readers`` turn a published file into rows of cells, ``parse`` maps those rows to
codebook codes, ``validate`` checks the identities of the format, and ``write`` saves tidy CSV files.
"""

__version__ = "0.1.0"
