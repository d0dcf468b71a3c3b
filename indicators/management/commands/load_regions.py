from django.core.management.base import BaseCommand, CommandError

from indicators.loaders.common import LoadError
from indicators.loaders.regions import load_file


class Command(BaseCommand):
    help = (
        "Validate a regions file (data/regions/*.yaml: regions, departments, responsibilities) "
        "and load it in one transaction. Load the framework editions first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file, **options):
        try:
            outcomes = load_file(file)
        except LoadError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) found; nothing was written."
            ) from None
        summary = ", ".join(f"{what}: {n}" for what, n in sorted(outcomes.items()))
        self.stdout.write(f"{file}: {summary}")
