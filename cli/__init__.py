"""The ``motcua`` command line: every capability, scriptable without a screen."""
