from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from assessments.services import regions_refresh
from demo.synthetic import MAX_SYNTHETIC, create_synthetic_regions

BATCH = 100


class Command(BaseCommand):
    help = (
        "Create synthetic districts (codes 9999xx then 99nnnn, up to 1,000 — a province; "
        "flagged and named 合成/synthetic) with synthetic approved values, for comparisons, "
        "demonstrations and load tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2)
        parser.add_argument("--actor", default="admin", help="user recorded as entering the values")

    def handle(self, *args, count, actor, **options):
        if not 0 <= count <= MAX_SYNTHETIC:
            raise CommandError(f"--count must be between 0 and {MAX_SYNTHETIC}.")
        user = User.objects.get(username=actor)
        regions = create_synthetic_regions(count=count, actor=user)
        for start in range(0, len(regions), BATCH):
            regions_refresh(regions=regions[start : start + BATCH], now=timezone.now())
        self.stdout.write(
            f"{len(regions)} synthetic regions ready: "
            + ", ".join(r.code for r in regions[:10])
            + (f" … {regions[-1].code}" if len(regions) > 10 else "")
        )
