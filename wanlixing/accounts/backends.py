from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from wanlixing.lib.phone import InvalidPhone, phone_normalize

from .models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Authenticate with a username or a mainland mobile number plus password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = None
        try:
            phone = phone_normalize(username)
        except InvalidPhone:
            phone = None
        if phone:
            user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
