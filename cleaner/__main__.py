"""`python -m cleaner`: the same command as the `cleaner` console script."""

from .cli import main

raise SystemExit(main())
