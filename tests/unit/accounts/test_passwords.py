from core.accounts.passwords import hash_password, password_matches


def test_password_hash_is_bcrypt_and_verifies():
    hashed = hash_password("correct-horse", rounds=4)
    assert hashed.startswith("$2b$04$")
    assert password_matches("correct-horse", hashed) and not password_matches("wrong", hashed)
