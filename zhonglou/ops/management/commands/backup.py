from django.core.management.base import BaseCommand, CommandError

from zhonglou.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the database and every file under MEDIA_ROOT (evidence) into one tar.gz "
        "archive with a manifest of SHA-256 hashes. Restore it with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive to write, e.g. zhonglou-2026-12-01.tar.gz")

    def handle(self, *args, archive, **options):
        try:
            summary = backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{summary.path}: {summary.rows} rows, {summary.files} files (hashes in manifest.json)"
        )
