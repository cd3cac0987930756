"""The admin login is throttled per address, whatever the usernames tried, before any
password is hashed; the lockout per account and address stays."""

from unittest import mock

import pytest
from django.contrib.auth.backends import ModelBackend

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8


def log_in(client, username, password="mauvais", address="192.0.2.10"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_jobs_login_random_usernames_from_one_address_are_locked_before_hashing(
    client, fast_hasher, settings
):
    UserFactory(username="curatrice")
    hashed = mock.Mock(wraps=ModelBackend.authenticate)
    with mock.patch.object(ModelBackend, "authenticate", autospec=True, side_effect=hashed):
        for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
            assert log_in(client, f"inconnu-{n}").status_code == 200, n
        locked = log_in(client, "inconnu-x")
        assert locked.status_code == 429
        assert locked["Retry-After"] == "900"
        page = locked.content.decode()
        assert "Trop de tentatives de connexion échouées depuis votre adresse" in page
        assert hashed.call_count == settings.LOGIN_ADDRESS_FAILURE_LIMIT
        for n in range(20):  # no more password hashing for this address
            assert log_in(client, f"autre-{n}").status_code == 429
        assert log_in(client, "curatrice", "mot-de-passe-essai").status_code == 429
        assert hashed.call_count == settings.LOGIN_ADDRESS_FAILURE_LIMIT
    # Another address is not affected.
    response = log_in(client, "curatrice", "mot-de-passe-essai", address="198.51.100.7")
    assert response.status_code == 302


def test_jobs_login_account_lockout_still_comes_first(client, fast_hasher):
    UserFactory(username="curatrice")
    for _attempt in range(5):
        log_in(client, "curatrice")
    locked = log_in(client, "curatrice", "mot-de-passe-essai")
    assert locked.status_code == 429
    assert "la connexion à ce compte depuis votre adresse est bloquée" in locked.content.decode()
    # The address itself is not locked yet: another account still logs in from it.
    UserFactory(username="collegue")
    assert log_in(client, "collegue", "mot-de-passe-essai").status_code == 302
