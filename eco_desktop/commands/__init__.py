"""Subcommands of the ``eco-desktop`` CLI, one module each (see eco_desktop.cli)."""
