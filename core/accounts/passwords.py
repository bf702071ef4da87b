"""Password hashing (bcrypt), the same format streamlit-authenticator verifies."""

import bcrypt

from core.domain.errors import InvalidInput

MIN_PASSWORD_LENGTH = 8


def hash_password(password: str, *, rounds: int = 12) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters. Choose a longer one."
        )
    # bcrypt only reads 72 bytes; refuse rather than silently ignore the rest.
    if len(password.encode("utf-8")) > 72:
        raise InvalidInput("Passwords may be at most 72 bytes long. Choose a shorter one.")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def password_matches(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False
