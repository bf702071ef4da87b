"""Password hashing (bcrypt), the format streamlit-authenticator checks at login."""

import bcrypt

from core.domain.errors import InvalidInput

MIN_PASSWORD_LENGTH = 8
BCRYPT_ROUNDS = 12  # the cost of every stored hash (the demo and tests use less)
# A hash of a random password nobody knows, of the same cost: a login for a name that does not
# exist is checked against it, so it takes as long as a wrong password for a real user.
DUMMY_HASH = "$2b$12$jLmrLWcyqENMUAmrzcrJPuqEX0H/XDAHl4glP3IM8QVg6OU/ylcVq"


def hash_password(password: str, *, rounds: int = BCRYPT_ROUNDS) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters. Choose a longer one."
        )
    # The login (streamlit-authenticator) strips what is typed before it checks it.
    if password != password.strip():
        raise InvalidInput("Passwords may not begin or end with a space. Remove it and try again.")
    # bcrypt only reads 72 bytes; refuse rather than silently ignore the rest.
    if len(password.encode("utf-8")) > 72:
        raise InvalidInput("Passwords may be at most 72 bytes long. Choose a shorter one.")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def password_matches(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False
