#!/usr/bin/env bash
# Placeholder until the ops tooling lands: nothing to install yet.
exit 0
