"""A script that imports prefect but defines no flow."""

import prefect

print("no flow here, prefect", prefect.__name__)
