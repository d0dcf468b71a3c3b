"""Prepare a laptop for a demo: catalogue, demo data, demo accounts; then say where to log in."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = "Load the catalogue and the district's demo data and create demo accounts (local only)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        if not getattr(settings, "DEMO_ACCOUNTS", False):
            raise CommandError("Demo accounts are disabled in these settings (production?).")
        accounts = ensure_demo_accounts()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"zhonglou is starting at {url}"))
        self.stdout.write(f"  Log in at {url}admin/  — demo accounts (password: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"    {account.username:<24} {account.description}")
        self.stdout.write("")
