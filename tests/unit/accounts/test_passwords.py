import pytest

from core.accounts.passwords import hash_password, password_matches
from core.domain.errors import InvalidInput


def test_password_hash_is_bcrypt_and_verifies():
    hashed = hash_password("correct-horse", rounds=4)
    assert hashed.startswith("$2b$04$")
    assert password_matches("correct-horse", hashed) and not password_matches("wrong", hashed)


@pytest.mark.parametrize("password", [" correct-horse", "correct-horse ", "correct-horse\t"])
def test_a_password_that_begins_or_ends_with_a_space_is_refused(password):
    """streamlit-authenticator strips the typed password before it checks it: such a password
    could never be used to log in."""
    with pytest.raises(InvalidInput, match="begin or end with a space"):
        hash_password(password, rounds=4)
