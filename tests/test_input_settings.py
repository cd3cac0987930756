"""Settings that keep input from exhausting a resource: the mail server's timeout, Redis's
memory, a login's redirect."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.mail import get_connection

from .factories import CuratorFactory

ROOT = Path(__file__).resolve().parent.parent


def test_sending_mail_gives_up_after_a_timeout(settings):
    assert settings.EMAIL_TIMEOUT == 10
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend")
    assert connection.timeout == 10


@pytest.mark.django_db
@pytest.mark.parametrize("unsafe", ["https://piege.example/", "//piege.example/", ""])
def test_an_unsafe_next_after_login_lands_on_the_admin_home(client, unsafe):
    CuratorFactory(username="curatrice", password="mot-de-passe-solide-42")
    response = client.post(
        f"/admin/login/?next={unsafe}",
        {"username": "curatrice", "password": "mot-de-passe-solide-42", "next": unsafe},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.skipif(not shutil.which("redis-cli"), reason="redis-server non installé")
def test_the_redis_cache_evicts_least_recently_used_keys_within_a_memory_cap():
    command = 'redis-cli -u "$CACHE_URL" config get maxmemory-policy maxmemory'
    answer = subprocess.run(
        [str(ROOT / "scripts" / "with-redis.sh"), "sh", "-c", command],
        capture_output=True, text=True, timeout=30, check=True, env=os.environ,
    ).stdout.splitlines()  # fmt: skip
    # After the script's own line, redis-cli answers name, value, name, value.
    replies = [line for line in answer if not line.startswith("Redis temporaire")]
    settings = dict(zip(replies[0::2], replies[1::2], strict=True))
    assert settings["maxmemory-policy"] == "allkeys-lru"
    assert int(settings["maxmemory"]) == 256 * 1024 * 1024
