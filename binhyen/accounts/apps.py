from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "binhyen.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
