"""affiches: print and social materials for the "Pas de VSA dans ma ville" campaign.

Public contract: the package exposes its version and the error hierarchy; every
other entry point lives in its own module (``cli`` for the command line).
"""

from affiches.errors import AffichesError

__version__ = "0.1.0"
__all__ = ["AffichesError", "__version__"]
