"""SQLite and file tasks working on a temporary directory."""

import os
import tempfile

from prefect import Flow
from prefect.tasks.database.sqlite import SQLiteQuery, SQLiteScript
from prefect.tasks.files import Copy, Glob, Remove, Unzip, Zip

base = tempfile.mkdtemp()
os.chdir(base)
with open("data.csv", "w") as handle:
    handle.write("a,b\n1,2\n")

with Flow("local tasks") as flow:
    made = SQLiteScript(db="store.db", script="CREATE TABLE t (n INT); INSERT INTO t VALUES (7);")()
    rows = SQLiteQuery(db="store.db", query="SELECT n * 6 FROM t")(upstream_tasks=[made])
    copied = Copy(source_path="data.csv", target_path="copy.csv")()
    zipped = Zip(source_path="copy.csv", zip_path="out.zip")(upstream_tasks=[copied])
    removed = Remove(path="copy.csv")(upstream_tasks=[zipped])
    unzipped = Unzip(zip_path="out.zip", extract_dir="unzipped")(upstream_tasks=[removed])
    listed = Glob(path="unzipped")(upstream_tasks=[unzipped])

state = flow.run()
print("flow:", type(state).__name__)
print("rows:", state.result[rows].result)
print("copied:", state.result[copied].result)
print("listed:", [str(p) for p in state.result[listed].result])
