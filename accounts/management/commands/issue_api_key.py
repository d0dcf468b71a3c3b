"""Issue an API key from the command line (the admin's API keys screen does the same)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.api_keys import new_key
from accounts.models import ApiKey, User


class Command(BaseCommand):
    help = "Issue an API key for a user; the key is printed once and stored only as a hash."

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="username the key acts for")
        parser.add_argument("--name", required=True, help="who uses it, e.g. 常州市平台")
        parser.add_argument("--write", action="store_true", help="allow writes (default read-only)")
        parser.add_argument("--region", action="append", default=[], help="limit to a region code")

    def handle(self, *args, owner, name, write, region, **options):
        user = User.objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"No user {owner!r}.")
        regions = list(ApiKey.regions.field.related_model.objects.filter(code__in=region))
        if len(regions) != len(set(region)):
            raise CommandError(f"Unknown region code among {region}.")
        key, prefix, digest = new_key()
        api_key = ApiKey.objects.create(
            name=name, owner=user, prefix=prefix, key_hash=digest, can_write=write
        )
        api_key.regions.set(regions)
        self.stdout.write(key)
        self.stderr.write(
            f"Issued {'read-write' if write else 'read-only'} key {api_key} for {owner}; "
            "copy it now, it will not be shown again."
        )
