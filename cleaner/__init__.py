"""cleaner: strip boilerplate and clutter from scraped news articles, and say why.

import cleaner
r = cleaner.clean(text_or_html)
r.text, r.removed, r.repairs, r.metadata
"""

from __future__ import annotations

from . import errors
from .config import Config
from .errors import CleanerError, ConfigError, InputError
from .model import REASONS, Removal, Repair, Result
from .pipeline import Cleaner, clean
from .repairs.fix import repair

__version__ = "0.4.0.dev0"

__all__ = [
    "REASONS",
    "Cleaner",
    "CleanerError",
    "Config",
    "ConfigError",
    "InputError",
    "Removal",
    "Repair",
    "Result",
    "__version__",
    "clean",
    "errors",
    "repair",
]
