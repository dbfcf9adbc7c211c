"""The ``snowball`` command line."""
