"""Prepare a laptop for a demo: catalogue, demo data, demo accounts; then say where to log in."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from assessments import recompute
from assessments.services import region_refresh
from demo.seed import DEMO_PASSWORD, ensure_demo_users, load_demo_values
from demo.synthetic import create_synthetic_regions
from indicators.loaders.common import LoadError
from indicators.models import Region
from indicators.reference import load_reference_data
from notifications.receivers import muted as notifications_muted


class Command(BaseCommand):
    help = (
        "Load both framework editions, Changzhou's regions and departments, Zhonglou's figures "
        "from its creation report, and demo accounts (local settings only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="The address the site is served at, printed for the demo (make run passes it).",
        )

    def handle(self, *args, url, **options):
        if not getattr(settings, "DEMO_ACCOUNTS", False):
            raise CommandError("Demo accounts are disabled in these settings (production?).")
        try:
            lines = load_reference_data()
        except LoadError as exc:
            # The shipped criteria changed since this demo database scored them: a demo
            # database is disposable, a real one gets the revision as a new edition.
            raise CommandError(
                f"{exc}\n\nThis demo database was made with an earlier version of the criteria "
                f"files. Remove it ({settings.DATABASES['default']['NAME']}) and run `make run` "
                "again to start from the current files."
            ) from None
        for line in lines:
            self.stdout.write(line)
        accounts = ensure_demo_users()
        admin = User.objects.get(username="admin")
        # Seeding goes through the workflow; nobody is notified of it.
        with notifications_muted():
            loaded = load_demo_values(admin)
            self.stdout.write(f"Demo values from the Zhonglou report: {loaded} new.")
            synthetic = create_synthetic_regions(count=2, actor=admin)
            now = timezone.now()
            for region in [Region.objects.get(code="320404"), *synthetic]:
                region_refresh(region=region, years=[], now=now)
        # Writes above queued background recomputes (thread mode): let them end before exiting.
        recompute.background.wait_idle(timeout=120)
        self.stdout.write(
            "Synthetic comparison districts (labelled 合成 / synthetic): "
            + ", ".join(r.name for r in synthetic)
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"zhonglou is starting at {url}"))
        self.stdout.write(f"  Log in at {url} — demo accounts, password: {DEMO_PASSWORD}")
        for username, description in accounts:
            self.stdout.write(f"    {username:<26} {description}")
        self.stdout.write("")
