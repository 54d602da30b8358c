"""``python -m affiches``: same as the ``affiches`` console script."""

from affiches.cli.main import main

main()
