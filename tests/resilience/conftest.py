"""A throwaway three-node Galera cluster for the tests in this folder, started once."""

import pytest

from db.migrate import upgrade
from tests.backends import in_ci, keyed_engine
from tests.support.galera_cluster import ThrowawayGaleraCluster, why_unavailable


@pytest.fixture(scope="session")
def galera_urls():
    missing = why_unavailable()
    if missing:
        if in_ci():
            pytest.fail(f"Galera cluster unavailable under CI=true: {missing}")
        pytest.skip(missing)
    cluster = ThrowawayGaleraCluster()
    try:
        urls = cluster.start()
    except RuntimeError as exc:
        if in_ci():
            pytest.fail(f"Galera cluster failed to start under CI=true: {exc}")
        pytest.skip(str(exc))
    upgrade(keyed_engine(urls[0]))  # the schema replicates to the other nodes
    yield urls
    cluster.stop()
