"""The test suite is one package, ``tests``: every module and helper is imported as ``tests.<name>``
(``from tests.helpers import make_form``), whether pytest is started as ``pytest`` or
``python -m pytest``, so conftest and the helpers load once, with one clock and one temporary home."""
