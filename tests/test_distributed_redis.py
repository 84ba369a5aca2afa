"""The throw-away Redis the distributed-mode tests run on."""
import redis


def test_redis_fixture_serves_an_empty_database(redis_url):
    client = redis.Redis.from_url(redis_url)
    assert redis_url.startswith("redis://127.0.0.1:")
    assert client.dbsize() == 0
    client.rpush("k", b"\x00\xff")
    assert client.lpop("k") == b"\x00\xff"
    # no persistence: nothing will be written to disk
    assert client.config_get("save")["save"] == ""
    assert client.config_get("appendonly")["appendonly"] == "no"


def test_each_test_starts_empty(redis_url):
    assert redis.Redis.from_url(redis_url).dbsize() == 0
