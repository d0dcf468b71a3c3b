"""Issue an API key from the command line (the admin's API keys screen does the same, through
the same service: accounts.services.api_key_issue)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Issue an API key for a user; the key is printed once and stored only as a hash."

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="username the key acts for")
        parser.add_argument("--name", required=True, help="who uses it, e.g. 常州市平台")
        parser.add_argument("--write", action="store_true", help="allow writes (default read-only)")
        parser.add_argument("--region", action="append", default=[], help="limit to a region code")
        parser.add_argument(
            "--by", help="username of the administrator issuing it (recorded in the admin's log)"
        )

    def handle(self, *args, owner, name, write, region, by, **options):
        user = User.objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"No user {owner!r}.")
        actor = None  # the operator of the server
        if by:
            actor = User.objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"No user {by!r}.")
        try:
            issued = services.api_key_issue(
                actor=actor, owner=user, name=name, can_write=write, regions=region
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(issued.key)
        self.stderr.write(
            f"Issued {'read-write' if write else 'read-only'} key {issued.api_key} for {owner}; "
            "copy it now, it will not be shown again."
        )
