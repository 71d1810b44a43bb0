"""binhyen demo: migrate, load the official units, seed the demo, then serve web + worker on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from tqdm import tqdm

from binhyen.demo import seed


class Command(BaseCommand):
    help = "Prepare and serve the demo on 127.0.0.1 (SQLite, no other service)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("vi")
        self.stdout.write("1/3 Cập nhật cơ sở dữ liệu…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/3 Nạp 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu…")
        call_command("areas", "load", verbosity=options["verbosity"])
        self.stdout.write("3/3 Tạo dữ liệu mẫu…")
        def bar(items: Any, label: str) -> Any:
            return tqdm(items, desc=label, unit=" bản ghi", disable=options["verbosity"] == 0)

        accounts = seed.seed(settings.DEMO_PASSWORD, progress=bar)
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nBình Yên demo: {url}"))
        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {settings.DEMO_PASSWORD}):")
        self.stdout.write(seed.describe(accounts))
        self.stdout.write(f"API: {url}api/v1/docs\n")
        if options["no_serve"]:
            return
        self._serve(options["port"])

    def _serve(self, port: int) -> None:
        binhyen = [sys.executable, "-m", "binhyen.cli"]
        worker = subprocess.Popen([*binhyen, "worker"])
        try:
            # Loopback only: the demo has well-known passwords.
            web = subprocess.Popen(
                [*binhyen, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
            )
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for proc in (worker, locals().get("web")):
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGINT)
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
