"""One module per ``snowball`` subcommand; each exposes a click ``command``.

Modules are discovered by name, so adding a command means adding a module here. Keep heavy
imports (faust, confluent_kafka) inside the command functions: ``snowball --help`` stays fast.
"""
