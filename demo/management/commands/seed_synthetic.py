from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import User
from assessments.services import region_refresh
from demo.synthetic import create_synthetic_regions


class Command(BaseCommand):
    help = (
        "Create synthetic districts (codes 9999xx, flagged and named 合成/synthetic) with "
        "synthetic approved values, for comparisons, demonstrations and load tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=2)
        parser.add_argument("--actor", default="admin", help="user recorded as entering the values")

    def handle(self, *args, count, actor, **options):
        user = User.objects.get(username=actor)
        regions = create_synthetic_regions(count=count, actor=user)
        for region in regions:
            region_refresh(region=region, years=[], now=timezone.now())
        self.stdout.write(
            f"{len(regions)} synthetic regions ready: " + ", ".join(r.code for r in regions)
        )
