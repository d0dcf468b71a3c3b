from django.core.management.base import BaseCommand, CommandError

from zhonglou.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database (run `migrate` first) "
        "and an empty MEDIA_ROOT, after checking every file's SHA-256 against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete what the database and MEDIA_ROOT hold first (otherwise refused)",
        )

    def handle(self, *args, archive, replace, **options):
        try:
            summary = restore(archive, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored {summary.rows} rows and {summary.files} files from {archive}")
