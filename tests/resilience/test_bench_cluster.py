"""`cli.py bench --cluster`: the same random mix on one server and on the three nodes, every
change counted, and each node checked afterwards."""

import json

import pymysql
from sqlalchemy.engine import make_url

from tests.cli.test_cli import run_cli

SMALL = ("--leads", "300", "--agents", "20", "--bulk", "50", "--threads", "2", "--per-thread", "5",
         "--mix-processes", "6", "--mix-operations", "15")


def scratch(url: str, database: str) -> str:
    """An empty database on that server (on a cluster, made through one node, replicated)."""
    parsed = make_url(url)
    with pymysql.connect(host=parsed.host, port=parsed.port, user="root", autocommit=True) as c, \
            c.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
        cursor.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    return parsed.set(database=database).render_as_string(hide_password=False)


def test_the_bench_runs_the_mix_on_one_server_and_on_the_cluster(mysql_backend, galera_urls):
    one_server = scratch(mysql_backend.url(), "leadops_bench_single")
    nodes = [make_url(url).set(database="leadops_bench").render_as_string(hide_password=False)
             for url in galera_urls]
    scratch(galera_urls[0], "leadops_bench")
    result = run_cli("bench", "--url", one_server, *SMALL, *(f"--cluster={url}" for url in nodes), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    cluster = report["cluster"]
    assert cluster["nodes"] == 3 and cluster["processes"] == 6
    assert cluster["done"] + cluster["refused"] + round(cluster["gave_up_pct"] * 90 / 100) == 90
    assert cluster["unexpected"] == 0 and report["mix"]["unexpected"] == 0
    assert cluster["capacity_violations"] == [0, 0, 0] and cluster["audit_breaks"] == [0, 0, 0]
    assert cluster["ratio_to_one_server"] > 0
