"""`python -m prefect_compat ...`: the same command line as `prefect-compat ...`."""

from prefect_compat.cli.main import main

if __name__ == "__main__":
    main(prog_name="prefect-compat")
