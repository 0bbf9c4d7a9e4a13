"""The `prefect-compat` command line: `run`, `results` and `migrate`.

click and rich are imported here (and in the subcommand modules) only; nothing in the
rest of the package imports this package, so `import prefect_compat` stays free of them.
"""
