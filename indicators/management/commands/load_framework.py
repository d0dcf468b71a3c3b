from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators.loaders.common import LoadError
from indicators.loaders.frameworks import load_files


class Command(BaseCommand):
    help = (
        "Validate framework edition files (data/frameworks/*.yaml) and load them in one "
        "transaction. Nothing is written unless every file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        try:
            results = load_files(files, now=timezone.now())
        except LoadError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) found; nothing was written."
            ) from None
        for result in results:
            self.stdout.write(
                f"{result.code}: {result.outcome} "
                f"({result.indicators} indicators) from {result.file}"
            )
